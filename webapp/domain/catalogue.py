"""The fixed lists a client picks from: life domains with goal templates, strengths, kinds, moods.

Keys are stored in the database; labels and pictograms come from webapp.pictograms.
"""

LIFE_DOMAINS: dict[str, tuple[str, ...]] = {
    "housing": ("find_home", "tidy_home"),
    "money": ("pay_debts", "save_money"),
    "family": ("childcare", "time_for_me"),
    "getting_around": ("bus_alone", "bike", "driving_licence"),
    "health": ("see_doctor", "walk_more", "sleep_well"),
    "mind": ("feel_calm", "talk_to_someone"),
    "recovery": ("stay_clean", "support_group"),
    "language": ("dutch_class", "speak_dutch"),
    "learning": ("course", "read_write"),
    "work": ("find_job", "volunteer", "work_experience"),
    "people": ("meet_people",),
    "my_day": ("hobby", "daily_rhythm", "sport"),
    "paperwork": ("open_letters", "id_papers"),
    "digital": ("use_phone", "use_email"),
    "justice": ("justice_appointments",),
}

STRENGTHS = (
    "cooking", "caring", "hands", "languages", "never_give_up", "friendly", "children", "listening",
    "cleaning", "gardening", "computers", "making_people_laugh", "organising", "creative", "on_time",
    "driving",
)

APPOINTMENT_KINDS = (
    "intake", "job_interview", "dutch_class", "doctor", "social_services", "housing_visit", "therapy",
    "training", "court", "money_advice", "meeting",
)

BRING_ITEMS = ("id_card", "bank_card", "letters", "payslip", "medicines", "glasses", "phone")

MOODS = ("great", "good", "okay", "worried", "sad")

# Wins that need no goal, offered beside the client's own goals on "I did it!".
WIN_PICKS = ("went_out", "bus", "letters", "called", "appointment", "asked_help", "cooked", "other")


def domain_of(template: str) -> str | None:
    for domain, templates in LIFE_DOMAINS.items():
        if template in templates:
            return domain
    return None

# How long a share lasts when the client sets an end: days, or None for "until I stop it".
SHARE_PERIODS = {"week": 7, "month": 31, "three_months": 92, "always": None}
