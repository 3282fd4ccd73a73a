"""The demo's mail backend: prints every message to the console and keeps it for the demo mailbox."""

from django.core.mail.backends import console, filebased


class MailboxBackend(filebased.EmailBackend):
    """Django's file backend (under EMAIL_FILE_PATH, read by the demo mailbox page) that also prints."""

    def send_messages(self, email_messages):
        console.EmailBackend(fail_silently=self.fail_silently).send_messages(email_messages)
        return super().send_messages(email_messages)
