"""People: the user account and the platform-wide roles."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of docs/roles.md. Each is a Django group; scoped ones also need a membership (see rules)."""

    PARTICIPANT = "participant", _("Participant")
    ORGANISATION_REPRESENTATIVE = "organisation_representative", _("Organisation representative")
    DISTRICT_COUNCIL_MEMBER = "district_council_member", _("District council member")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    COORDINATOR = "coordinator", _("Coordinator")
    JURY_MEMBER = "jury_member", _("Jury member")
    EVALUATOR = "evaluator", _("Evaluator")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    ADMINISTRATOR = "administrator", _("Administrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """An account, identified by e-mail address (Konto)."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=12, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown publicly: the chosen display name, else a neutral pseudonym.

        Never derived from the e-mail address. The pseudonym is built from the primary key when it is shown,
        so it reads in the reader's language.
        """
        return self.display_name or pseudonym(self.pk)


def pseudonym(number) -> str:
    """A neutral public name for someone who chose none, in the active language."""
    return gettext("Participant %(number)s") % {"number": number}
