"""The sign-in library's own words that Codesign's account pages, messages and emails show.

django-allauth has no Welsh of its own. Django looks each message up in every catalogue, the
project's first, so marking allauth's English here puts it in `make messages`' catalogues, and
our Welsh is what allauth's forms, messages and emails then show. tests/test_welsh_pages.py
checks that each is still allauth's own, and that its pages are in Welsh.
"""

from django.utils.translation import gettext_noop as _

MESSAGES = (
    _("This account is currently inactive."),
    _("You cannot remove your primary email address."),
    _("This email address is already associated with this account."),
    _("The email address and/or password you specified are not correct."),
    _("The phone number and/or password you specified are not correct."),
    _("A user is already registered with this email address."),
    _("Please type your current password."),
    _("Incorrect code."),
    _("Incorrect password."),
    _("Invalid or expired key."),
    _("Invalid login."),
    _("The password reset token was invalid."),
    _("You cannot add more than %d email addresses."),
    _("A user is already registered with this phone number."),
    _("Too many failed login attempts. Try again later."),
    _("The email address is not assigned to any user account."),
    _("The phone number is not assigned to any user account."),
    _("Your primary email address must be verified."),
    _("Please select only one."),
    _("The new value must be different from the current one."),
    _("Be patient, you are sending too many requests."),
    _("Use your password"),
    _("Send me a sign-in code"),
    _("Use authenticator app or code"),
    _("Email"),
    _("Phone"),
    _("You must type the same password each time."),
    _("Password"),
    _("Remember Me"),
    _("Email or phone"),
    _("Email (again)"),
    _("Email address confirmation"),
    _("Email (optional)"),
    _("You must type the same email each time."),
    _("Password (again)"),
    _("Current Password"),
    _("New Password"),
    _("New Password (again)"),
    _("Code"),
    _("You cannot add an email address to an account protected by two-factor authentication."),
    _("You cannot deactivate two-factor authentication."),
    _("You cannot generate recovery codes without having two-factor authentication enabled."),
    _("You cannot activate two-factor authentication until you have verified your email address."),
    _("Authenticator code"),
    _("Invalid token."),
    _("Your account has no password set up."),
    _("Your account has no verified email address."),
    _("Account Inactive"),
    _("This account is inactive."),
    _("Password Reset"),
    _(
        "You are receiving this email because you or someone else tried to signup "
        "for an\naccount using email address:\n\n%(email)s\n\nHowever, an account "
        "using that email address already exists.  In case you have\nforgotten about "
        "this, please use the password forgotten procedure to recover\nyour "
        "account:\n\n%(password_reset_url)s"
    ),
    _("Account Already Exists"),
    _("Hello from %(site_name)s!"),
    _("Thank you for using %(site_name)s!\n%(site_domain)s"),
    _("You are receiving this mail because the following change was made to your account:"),
    _(
        "If you do not recognize this change then please take proper security "
        "precautions immediately. The change to your account originates from:\n\n- "
        "IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s"
    ),
    _("Your email has been changed from %(from_email)s to %(to_email)s."),
    _("Email Changed"),
    _("Your email has been confirmed."),
    _("Email Confirmation"),
    _(
        "You're receiving this email because user %(user_display)s has given your "
        "email address to register an account on %(site_domain)s."
    ),
    _("Your email verification code is listed below. Please enter it in your open browser window."),
    _("To confirm this is correct, go to %(activate_url)s"),
    _("Please Confirm Your Email Address"),
    _("Email address %(deleted_email)s has been removed from your account."),
    _("Email Removed"),
    _("Your sign-in code is listed below. Please enter it in your open browser window."),
    _("This mail can be safely ignored if you did not initiate this action."),
    _("Sign-In Code"),
    _("Your password has been changed."),
    _("Password Changed"),
    _("Your password reset code is listed below. Please enter it in your open browser window."),
    _("Password Reset Code"),
    _(
        "You're receiving this email because you or someone else has requested a "
        "password reset for your user account.\nIt can be safely ignored if you did "
        "not request a password reset. Click the link below to reset your password."
    ),
    _("Password Reset Email"),
    _("Your password has been reset."),
    _("Your password has been set."),
    _("Password Set"),
    _(
        "You are receiving this email because you, or someone else, tried to access "
        "an account with email %(email)s. However, we do not have any record of such "
        "an account in our database."
    ),
    _("If it was you, you can sign up for an account using the link below."),
    _("Unknown Account"),
    _("Unable to confirm %(email)s because it is already confirmed by a different account."),
    _("Sign Out"),
    _("Are you sure you want to sign out?"),
    _("You cannot remove your primary email address (%(email)s)."),
    _("Confirmation email sent to %(email)s."),
    _("You have confirmed %(email)s."),
    _("Removed email address %(email)s."),
    _("Successfully signed in as %(name)s."),
    _("You have signed out."),
    _("A sign-in code has been sent to %(recipient)s."),
    _("Password successfully changed."),
    _("Password successfully set."),
    _("A verification code has been sent to %(phone)s."),
    _("You have verified phone number %(phone)s."),
    _("Primary email address set."),
    _("Sign Up"),
    _("Sign Up Closed"),
    _("We are sorry, but the sign up is currently closed."),
)
