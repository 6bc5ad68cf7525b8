"""Sign-in stages: email verification asks nothing of people who have no email address (they
sign in with a code texted to their mobile, which is how they are known)."""

from allauth.account.stages import EmailVerificationStage


class EmailVerificationUnlessNoEmail(EmailVerificationStage):
    def handle(self):
        if not self.login.user.email:
            return None, True
        return super().handle()
