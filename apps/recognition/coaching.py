"""Delivery advice from a coaching profile: what a manager does with each answer. Descriptive, never a score."""

from .models import CoachingProfile, Communication, Decisions, RecognitionStyle

ADVICE = {
    ("communication", Communication.DIRECT): "Direct: be concise, lead with the point.",
    ("communication", Communication.TACTFUL): "Tactful: pair feedback with encouragement.",
    ("decisions", Decisions.FACTS): "Facts: bring data and clear outcomes.",
    ("decisions", Decisions.FEELINGS): "Feelings: leave room, listen first.",
    ("recognition", RecognitionStyle.INDIVIDUAL): "Individual: name their contribution.",
    ("recognition", RecognitionStyle.TEAM): "Team: credit the team's shared win.",
}


def advice(profile: CoachingProfile | None) -> list[str]:
    """One line of advice per answer the person gave, in the profile's order; none for what they left unsaid."""
    if profile is None:
        return []
    answers = (("communication", profile.communication), ("decisions", profile.decisions))
    answers += (("recognition", profile.recognition),)
    return [ADVICE[answer] for answer in answers if answer in ADVICE]
