"""The forms of a session: its time (a date and a time in the scheme's time zone), its
length, format and place; the cancellation; the agenda by the session's prompts; the
summary with up to five actions; and the small choices behind the page's buttons."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from agreements.models import Goal, Target
from matching.models import Mentorship
from mentoring.forms import CleanTextMixin
from sessions.models import AGENDA_PROMPTS, PAIR_ROLES, MentoringSession, SessionFormat

TEXT_MAX_LENGTH = 4000
ACTION_ROWS = 5


class SessionForm(CleanTextMixin, forms.Form):
    """When (a date and a time in ``zone``), how long, how and where."""

    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the date.", "invalid": "Give a date such as 2026-03-14."},
    )
    time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the time.", "invalid": "Give a time such as 14:30."},
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=5,
        max_value=600,
        initial=60,
        error_messages={
            "required": "Give the length in minutes.",
            "invalid": "Give the length as a number of minutes.",
            "min_value": "A session lasts at least 5 minutes.",
            "max_value": "A session lasts at most 600 minutes (10 hours).",
        },
    )
    format = forms.ChoiceField(
        label="Format",
        choices=SessionFormat.choices,
        widget=forms.RadioSelect,
        initial=SessionFormat.IN_PERSON,
        error_messages={
            "required": "Choose how you meet.",
            "invalid_choice": "Choose how you meet.",
        },
    )
    place = forms.CharField(
        label="Place or meeting link",
        max_length=500,
        required=False,
        help_text="A room, an address or the video link. It goes into the calendar file.",
    )

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(*args, **kwargs)
        self.fields["time"].help_text = f"In the scheme's time zone, {zone}."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, time = cleaned.get("date"), cleaned.get("time")
        if day is not None and not (1990 <= day.year <= 2200):
            self.add_error("date", "Give a date between 1990 and 2200.")
        elif day is not None and time is not None:
            try:
                cleaned["starts_at"] = datetime.combine(day, time).replace(tzinfo=self.zone)
            except (OverflowError, ValueError):
                self.add_error("date", "Give a date such as 2026-03-14.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "format": data["format"],
            "place": data["place"],
        }

    @classmethod
    def initial_for(cls, session: MentoringSession, zone: ZoneInfo) -> dict[str, Any]:
        local = session.starts_at.astimezone(zone)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "format": session.format,
            "place": session.place,
        }


class CancelForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both of you see this on the session's page.",
        error_messages={"required": "Say why the session is cancelled."},
    )


class StatusForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(
        choices=[
            (MentoringSession.Status.HELD, "Held"),
            (MentoringSession.Status.MISSED, "Missed"),
        ],
        error_messages={
            "required": "Choose held or missed.",
            "invalid_choice": "Choose held or missed.",
        },
    )


class DoneForm(CleanTextMixin, forms.Form):
    done = forms.ChoiceField(
        choices=[("1", "Done"), ("0", "Not done")],
        error_messages={
            "required": "Choose done or not done.",
            "invalid_choice": "Choose done or not done.",
        },
    )


class AgendaForm(CleanTextMixin, forms.Form):
    """One text per prompt of the session's structure."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question, hint in AGENDA_PROMPTS:
            self.fields[key] = forms.CharField(
                label=question,
                help_text=hint,
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def agenda(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key, _, _ in AGENDA_PROMPTS}


class SummaryForm(CleanTextMixin, forms.Form):
    """The summary, and up to five actions: who, what, by when, towards which goal or
    target of the pair. A row left empty is ignored."""

    summary = forms.CharField(
        label="Summary of the session",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you talked about and what you agreed. Only the two of you read it.",
        error_messages={"required": "Write the summary of the session."},
    )

    def __init__(self, *args: Any, mentorship: Mentorship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goals = list(Goal.objects.filter(mentorship=mentorship).order_by("pk"))
        targets = list(
            Target.objects.filter(goal__mentorship=mentorship)
            .select_related("goal")
            .order_by("goal_id", "pk")
        )
        self._goals = {str(goal.pk): goal for goal in goals}
        self._targets = {str(target.pk): target for target in targets}
        goal_choices = [("", "No goal"), *((str(g.pk), g.title) for g in goals)]
        target_choices = [
            ("", "No target"),
            *((str(t.pk), f"{t.what} ({t.goal.title})") for t in targets),
        ]
        self.rows: list[dict[str, forms.BoundField]] = []
        for n in range(ACTION_ROWS):
            self.fields[f"action-{n}-owner"] = forms.ChoiceField(
                label="Who",
                choices=[("", "Choose"), *PAIR_ROLES],
                required=False,
                error_messages={"invalid_choice": "Choose the mentee or the mentor."},
            )
            self.fields[f"action-{n}-text"] = forms.CharField(
                label="Action", max_length=500, required=False
            )
            self.fields[f"action-{n}-due_on"] = forms.DateField(
                label="By",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": "Give a date such as 2026-03-14."},
            )
            self.fields[f"action-{n}-goal"] = forms.ChoiceField(
                label="Goal",
                choices=goal_choices,
                required=False,
                error_messages={"invalid_choice": "Choose one of your goals."},
            )
            self.fields[f"action-{n}-target"] = forms.ChoiceField(
                label="Target",
                choices=target_choices,
                required=False,
                error_messages={"invalid_choice": "Choose one of your targets."},
            )

    def action_rows(self) -> list[list[forms.BoundField]]:
        parts = ("owner", "text", "due_on", "goal", "target")
        return [[self[f"action-{n}-{part}"] for part in parts] for n in range(ACTION_ROWS)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        actions = []
        for n in range(ACTION_ROWS):
            prefix = f"action-{n}-"
            owner = cleaned.get(prefix + "owner") or ""
            text = " ".join((cleaned.get(prefix + "text") or "").split())
            due_on = cleaned.get(prefix + "due_on")
            goal = self._goals.get(cleaned.get(prefix + "goal") or "")
            target = self._targets.get(cleaned.get(prefix + "target") or "")
            if not any([owner, text, due_on, goal, target]) and not any(
                f"{prefix}{part}" in self.errors for part in ("due_on", "goal", "target")
            ):
                continue
            if not text:
                self.add_error(prefix + "text", "Say what the action is, or clear the row.")
            if not owner:
                self.add_error(prefix + "owner", "Say who does it.")
            if goal is not None and target is not None and target.goal_id != goal.pk:
                self.add_error(prefix + "target", "This target belongs to another goal.")
            actions.append(
                {"owner": owner, "text": text, "due_on": due_on, "goal": goal, "target": target}
            )
        cleaned["actions"] = actions
        return cleaned
