"""A console mail backend for development that prints what a person reads, not the MIME source.

Django's console backend writes the raw message: quoted-printable text ("=C3=A9"), base64 attachments and
the HTML part. This one writes the sender, recipients, subject and the plain text decoded, and names the
HTML part and the attachments instead of printing them. `MAIL_BACKEND=console` uses it; to keep every
mail whole, use `MAIL_BACKEND=file` (one .log file per message in `MAIL_FILE_PATH`, default `var/mail/`).
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

RULE = "-" * 79


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        lines = [
            RULE,
            f"From:    {message.from_email}",
            f"To:      {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc:      {', '.join(message.cc)}")
        if message.bcc:
            lines.append(f"Bcc:     {', '.join(message.bcc)}")
        lines += [f"Subject: {message.subject}", "", str(message.body).rstrip(), ""]
        extras = [f"an {mimetype} version" for _content, mimetype in getattr(message, "alternatives", [])]
        for attachment in message.attachments:
            filename = getattr(attachment, "filename", None) or (
                attachment[0] if isinstance(attachment, tuple) else "attachment"
            )
            extras.append(f"the attachment {filename}")
        if extras:
            lines.append(f"[also: {', '.join(extras)}; MAIL_BACKEND=file keeps the whole message]")
        lines.append(RULE)
        self.stream.write("\n".join(lines) + "\n")
