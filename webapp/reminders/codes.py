"""The code that confirms a client's new phone number or e-mail address, sent the way reminders go.

Only the code and where to type it: the message says nothing else about the client.
"""

from email.message import EmailMessage
from email.utils import formatdate

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from webapp.i18n import locale_of
from webapp.models import ContactChange
from webapp.reminders.channels import Outbox, SendError, deliver_email, post_sms


def _text(code: str, minutes: int) -> str:
    return ngettext("Your code for Stapstenen is %(code)s. Type it in the app within %(num)d minute.",
                    "Your code for Stapstenen is %(code)s. Type it in the app within %(num)d minutes.",
                    minutes, code=code)


def code_email(config, change: ContactChange, code: str, minutes: int) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = config["SMTP_FROM"]
    mail["To"] = change.address
    mail["Subject"] = _("Your code for Stapstenen")
    mail["Date"] = formatdate(localtime=False)
    domain = config["SMTP_FROM"].rpartition("@")[2].strip("> ") or "stapstenen.invalid"
    mail["Message-ID"] = f"<code-{change.id}-{change.sends}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(_text(code, minutes) + "\n\n" +
                     _("Did you not ask for this? Then you can forget this e-mail: nothing changes."))
    return mail


def send_code(config, change: ContactChange, code: str, minutes: int, lang: str | None) -> bool:
    """Send the code in the client's language; False when it did not go out (the client may resend)."""
    outbox = Outbox(config)
    try:
        with force_locale(locale_of(lang)):
            if change.channel == "sms":
                post_sms(outbox, change.address, _text(code, minutes), f"code-{change.id}-{change.sends}")
            else:
                deliver_email(outbox, code_email(config, change, code, minutes))
    except SendError:
        return False
    finally:
        outbox.close()
    return True
