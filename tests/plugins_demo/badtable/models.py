"""A model breaking the table-prefix rule."""
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Thing(db.Model):
    __tablename__ = "things_without_prefix"
    id: Mapped[int] = mapped_column(primary_key=True)
