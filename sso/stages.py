"""The two-factor sign-in stage, satisfied by the organisation's provider when it says it
checked a second factor and the organisation trusts it (accounts.adapter lists this stage in
place of allauth's)."""

from allauth.mfa.stages import AuthenticateStage

from .selectors import provider_did_two_factor


class AuthenticateUnlessProviderDid(AuthenticateStage):
    def _should_handle(self, request) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if provider_did_two_factor(sociallogin):
            return False
        return super()._should_handle(request)
