"""Sign-in, user administration and invitation forms."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.auth.models import ROLES
from app.auth.services import MIN_PASSWORD

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]


class LoginForm(FlaskForm):
    """E-mail and password; CSRF-protected like every form."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class AddUserForm(FlaskForm):
    """An admin adds a staff member, with a password they choose or with an e-mailed invitation."""

    email = EmailField("E-mail", validators=[DataRequired("Enter the person's e-mail address."), Length(max=254)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="writer")
    mode = RadioField("How they get in", default="invite",
                      choices=[SelectChoice("invite", "Send an invitation (they choose their password)"),
                               SelectChoice("password", "Create with a password")])
    password = PasswordField("Password", validators=[Length(max=200)])

    def validate_password(self, field):
        """A password is needed only when creating with one."""
        if self.mode.data == "password" and len(field.data or "") < MIN_PASSWORD:
            raise ValidationError(f"The password must have at least {MIN_PASSWORD} characters.")


class RoleForm(FlaskForm):
    """The role select of one row of the users table."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class AcceptInviteForm(FlaskForm):
    """An invited person chooses their name and password."""

    name = StringField("Your name", validators=[DataRequired("Enter your name."), Length(max=120)])
    password = PasswordField("Choose a password", validators=[
        DataRequired("Choose a password."),
        Length(min=MIN_PASSWORD, max=200, message=f"The password must have {MIN_PASSWORD} to 200 characters."),
    ])
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again."), EqualTo("password", message="The two passwords are not the same."),
    ])
