"""Service levels: when a first response and a resolution are due, and whether they were missed."""
from dataclasses import dataclass
from datetime import timedelta


def targets(config, priority):
    """(first response, resolution) as timedeltas for a priority."""
    first, resolution = config["INQUIRY_SLA_HOURS"].get(priority) or config["INQUIRY_SLA_HOURS"]["normal"]
    return timedelta(hours=first), timedelta(hours=resolution)


def due_times(config, created_at, priority):
    """(first response due, resolution due) for an inquiry opened at created_at."""
    first, resolution = targets(config, priority)
    return created_at + first, created_at + resolution


@dataclass
class SlaState:
    """Where an inquiry stands against its targets at a moment."""

    first_response_breached: bool
    resolution_breached: bool

    @property
    def breached(self):
        """True when either target was missed."""
        return self.first_response_breached or self.resolution_breached


def state(inquiry, now):
    """The inquiry's SLA state at ``now`` (a target is missed when it passed before it was met)."""
    first = (inquiry.first_response_due is not None
             and (inquiry.first_response_at or now) > inquiry.first_response_due)
    resolution = (inquiry.resolution_due is not None
                  and (inquiry.resolved_at or now) > inquiry.resolution_due)
    return SlaState(first, resolution)


def breached_clause(model, now):
    """SQL condition: the inquiry missed (or is now past) a target."""
    from sqlalchemy import and_, or_

    return or_(
        and_(model.first_response_at.is_(None), model.first_response_due < now),
        model.first_response_at > model.first_response_due,
        and_(model.resolved_at.is_(None), model.resolution_due < now),
        model.resolved_at > model.resolution_due,
    )
