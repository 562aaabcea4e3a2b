"""Every pictogram the app shows: name -> OpenMoji file and its translated accessible name.

Only the files named here are vendored into static/pictograms (tools/vendor_pictograms.py).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Pictogram:
    name: str
    code: str  # OpenMoji file name without .svg
    label: object  # lazy string: translated when rendered
    mirrors: bool = False  # directional: flipped in right-to-left languages

    @property
    def filename(self) -> str:
        return f"pictograms/{self.code}.svg"


def _p(name, code, label, mirrors=False):
    return name, Pictogram(name, code, label, mirrors)


PICTOGRAMS: dict[str, Pictogram] = dict([
    # life domains
    _p("domain.housing", "1F3E0", _l("Housing")),
    _p("domain.money", "1F4B6", _l("Money")),
    _p("domain.family", "1F46A", _l("Family and care")),
    _p("domain.getting_around", "1F68C", _l("Getting around")),
    _p("domain.health", "1FA7A", _l("Health")),
    _p("domain.mind", "1F60C", _l("Mind and mood")),
    _p("domain.recovery", "1F331", _l("Addiction and recovery")),
    _p("domain.language", "1F5E3", _l("Language")),
    _p("domain.learning", "1F4DA", _l("Learning and skills")),
    _p("domain.work", "1F4BC", _l("Work")),
    _p("domain.people", "1F91D", _l("People around me")),
    _p("domain.my_day", "2600", _l("My day")),
    _p("domain.paperwork", "1F4D1", _l("Paperwork")),
    _p("domain.digital", "1F4F1", _l("Phone and computer")),
    _p("domain.justice", "2696", _l("Justice")),
    # goal templates
    _p("goal.find_home", "1F511", _l("Find a good home")),
    _p("goal.tidy_home", "1F9F9", _l("Keep my home tidy")),
    _p("goal.pay_debts", "1F9FE", _l("Pay off my debts")),
    _p("goal.save_money", "1F4B0", _l("Save some money")),
    _p("goal.childcare", "1F9D2", _l("Find childcare")),
    _p("goal.time_for_me", "1F6CB", _l("Time for myself")),
    _p("goal.bus_alone", "1F68C", _l("Take the bus alone")),
    _p("goal.bike", "1F6B2", _l("Ride a bike")),
    _p("goal.driving_licence", "1F697", _l("Get my driving licence")),
    _p("goal.see_doctor", "1FA7A", _l("Go to the doctor")),
    _p("goal.walk_more", "1F6B6", _l("Walk more")),
    _p("goal.sleep_well", "1F6CC", _l("Sleep well")),
    _p("goal.feel_calm", "1F9D8", _l("Feel calmer")),
    _p("goal.talk_to_someone", "1F4AC", _l("Talk to someone")),
    _p("goal.stay_clean", "1F331", _l("Stay clean")),
    _p("goal.support_group", "1FAC2", _l("Go to a support group")),
    _p("goal.dutch_class", "1F3EB", _l("Go to Dutch class")),
    _p("goal.speak_dutch", "1F5E3", _l("Speak more Dutch")),
    _p("goal.course", "1F393", _l("Follow a course")),
    _p("goal.read_write", "270F", _l("Read and write")),
    _p("goal.find_job", "1F50D", _l("Find a job")),
    _p("goal.volunteer", "1F64C", _l("Do volunteer work")),
    _p("goal.work_experience", "1F9BA", _l("Try out a job")),
    _p("goal.meet_people", "2615", _l("Meet people")),
    _p("goal.hobby", "1F3A8", _l("Do something I like")),
    _p("goal.daily_rhythm", "23F0", _l("Get up on time")),
    _p("goal.sport", "26BD", _l("Play sport")),
    _p("goal.open_letters", "2709", _l("Open my letters")),
    _p("goal.id_papers", "1FAAA", _l("Get my papers in order")),
    _p("goal.use_phone", "1F4F1", _l("Use my phone")),
    _p("goal.use_email", "1F4E7", _l("Use e-mail")),
    _p("goal.justice_appointments", "2696", _l("Keep my justice appointments")),
    # strengths
    _p("strength.cooking", "1F373", _l("Cooking")),
    _p("strength.caring", "1F932", _l("Caring for others")),
    _p("strength.hands", "1F528", _l("Working with my hands")),
    _p("strength.languages", "1F5E3", _l("Speaking languages")),
    _p("strength.never_give_up", "1F9D7", _l("Never giving up")),
    _p("strength.friendly", "1F60A", _l("Being friendly")),
    _p("strength.children", "1F9F8", _l("Good with children")),
    _p("strength.listening", "1F442", _l("Listening well")),
    _p("strength.cleaning", "1F9FD", _l("Cleaning")),
    _p("strength.gardening", "1F33B", _l("Gardening")),
    _p("strength.computers", "1F4BB", _l("Computers")),
    _p("strength.making_people_laugh", "1F604", _l("Making people laugh")),
    _p("strength.organising", "1F4CB", _l("Organising")),
    _p("strength.creative", "1F3A8", _l("Being creative")),
    _p("strength.on_time", "23F0", _l("Being on time")),
    _p("strength.driving", "1F697", _l("Driving")),
    # appointment kinds
    _p("kind.intake", "1F91D", _l("First meeting")),
    _p("kind.job_interview", "1F4BC", _l("Job interview")),
    _p("kind.dutch_class", "1F3EB", _l("Dutch class")),
    _p("kind.doctor", "1FA7A", _l("Doctor")),
    _p("kind.social_services", "1F3DB", _l("Social services")),
    _p("kind.housing_visit", "1F3E0", _l("Housing visit")),
    _p("kind.therapy", "1F4AC", _l("Talk with a therapist")),
    _p("kind.training", "1F393", _l("Training")),
    _p("kind.court", "2696", _l("Court")),
    _p("kind.money_advice", "1F4B6", _l("Money advice")),
    _p("kind.meeting", "1F9D1-200D-1F91D-200D-1F9D1", _l("Meeting with my trust person")),
    # what to bring
    _p("bring.id_card", "1FAAA", _l("Identity card")),
    _p("bring.bank_card", "1F4B3", _l("Bank card")),
    _p("bring.letters", "2709", _l("Letters")),
    _p("bring.payslip", "1F9FE", _l("Payslips and bills")),
    _p("bring.medicines", "1F48A", _l("Medicines")),
    _p("bring.glasses", "1F453", _l("Glasses")),
    _p("bring.phone", "1F4F1", _l("Phone")),
    # moods
    _p("mood.great", "1F604", _l("Very good")),
    _p("mood.good", "1F642", _l("Good")),
    _p("mood.okay", "1F610", _l("So-so")),
    _p("mood.worried", "1F61F", _l("Worried")),
    _p("mood.sad", "1F622", _l("Sad")),
    # small wins without a goal
    _p("win.went_out", "1F6AA", _l("I went outside")),
    _p("win.bus", "1F68C", _l("I took the bus")),
    _p("win.letters", "2709", _l("I opened my letters")),
    _p("win.called", "1F4DE", _l("I made a phone call")),
    _p("win.appointment", "1F4C5", _l("I went to my appointment")),
    _p("win.asked_help", "1F64B", _l("I asked for help")),
    _p("win.cooked", "1F373", _l("I cooked a meal")),
    _p("win.other", "2B50", _l("Something else")),
    # actions and screens
    _p("action.did_it", "1F31F", _l("I did it!")),
    _p("action.goals", "1F3AF", _l("My goals")),
    _p("action.week", "1F4C5", _l("My week")),
    _p("action.strengths", "1F4AA", _l("My strengths")),
    _p("action.home", "1F3E0", _l("Home")),
    _p("action.add", "2795", _l("Add")),
    _p("action.back", "2B05", _l("Back"), mirrors=True),
    _p("action.next", "27A1", _l("Next"), mirrors=True),
    _p("action.erase", "2B05", _l("Erase")),  # the keypad stays left-to-right, so its arrow does too
    _p("action.ok", "2714", _l("OK")),
    _p("action.reached", "1F3C6", _l("Reached")),
    _p("action.pause", "23F8", _l("Pause")),
    _p("action.resume", "25B6", _l("Continue"), mirrors=True),
    _p("action.coming", "1F44D", _l("I'm coming")),
    _p("action.cannot_come", "274C", _l("I can't come")),
    _p("action.need_help", "1F64B", _l("I need help")),
    _p("action.speak", "1F50A", _l("Read aloud")),
    _p("action.language", "1F310", _l("Language")),
    _p("action.sign_out", "1F6AA", _l("Sign out")),
    _p("action.map", "1F4CD", _l("Show on the map")),
    _p("action.locked", "1F512", _l("Locked")),
    _p("action.passkey", "1FAC6", _l("Open with finger or face")),  # the phone's passkey (webapp.auth.passkeys)
    _p("action.trust_person", "1F9D1-200D-1F91D-200D-1F9D1", _l("Your trust person")),
    _p("action.wait", "23F3", _l("Wait")),
    _p("action.call", "260E", _l("Call")),
    _p("action.unlock", "1F513", _l("Unlock")),
    _p("action.celebrate", "1F389", _l("Well done!")),
    _p("action.write", "270F", _l("In my own words")),
    _p("action.stone", "1FAA8", _l("Stepping stone")),
    _p("action.letter", "1F4DD", _l("Note")),
    _p("action.people", "1F465", _l("My people")),
    _p("action.looked", "1F440", _l("Who looked")),
    _p("action.wins", "1F31F", _l("My small wins")),
    _p("action.person", "1F9D1", _l("Person")),
    _p("action.shared", "1F441", _l("Can see it")),
    _p("action.not_shared", "1F648", _l("Cannot see it")),
    _p("action.private", "1F512", _l("Only for me")),
    _p("action.yes", "2705", _l("Yes")),
    _p("action.no", "274C", _l("No")),
    _p("action.suggest", "1F4AD", _l("Suggest")),
    _p("action.invite", "1F4F1", _l("Invite")),
    _p("action.no_connection", "1F4F5", _l("No connection")),
    _p("action.refresh", "1F504", _l("New version: tap to refresh")),
    _p("action.keep_week", "1F4CC", _l("Keep my week on this phone")),
    _p("action.remind", "1F514", _l("Remind me")),
    _p("action.calendar", "1F4C6", _l("Add to my calendar")),
    # my settings (webapp/client/settings.py)
    _p("action.settings", "2699", _l("Settings")),
    _p("settings.read_aloud", "1F4E2", _l("How the app reads aloud")),
    _p("settings.reminders", "1F514", _l("Reminders")),
    _p("settings.pin", "1F522", _l("My PIN")),
    _p("settings.devices", "1F4F1", _l("My phones")),
    _p("speed.normal", "1F407", _l("Normal speed")),
    _p("speed.slow", "1F422", _l("Slow")),
    _p("contact.sms", "1F4F2", _l("By text message (SMS)")),
    _p("contact.email", "1F4E7", _l("By e-mail")),
    _p("device.phone", "1F4F1", _l("Phone")),
    _p("device.computer", "1F4BB", _l("Computer or laptop")),
    _p("device.this", "1F448", _l("This phone"), mirrors=True),
    _p("action.resend", "1F501", _l("Send a new code")),
    _p("action.remove", "1F5D1", _l("Remove")),
    # a reminder about a sensitive kind of appointment shows only this (webapp.reminders.messages)
    _p("reminder.appointment", "1F4C5", _l("Appointment")),
    # what a client can share, one category at a time
    _p("category.goals", "1F3AF", _l("Goals")),
    _p("category.wins", "1F31F", _l("Small wins")),
    _p("category.strengths", "1F4AA", _l("Strengths")),
    _p("category.week", "1F4C5", _l("Appointments")),
    _p("category.mood", "1F642", _l("Mood")),
    # what "who looked" shows besides the categories: the client's page, and a summary in a list
    _p("looked.file", "1F4C2", _l("Your page")),
    _p("looked.summary", "1F5C2", _l("Summary in a list")),
    # how long a share lasts
    _p("until.week", "1F4C5", _l("For 1 week")),
    _p("until.month", "1F4C5", _l("For 1 month")),
    _p("until.three_months", "1F4C5", _l("For 3 months")),
    _p("until.always", "267E", _l("Until I stop it")),
    # a trust person's reaction to a win
    _p("reaction.high_five", "1F590", _l("High five")),
    _p("reaction.heart", "2764", _l("Heart")),
    _p("reaction.star", "2B50", _l("Star")),
])


def get(name: str) -> Pictogram:
    return PICTOGRAMS[name]


def files() -> set[str]:
    return {p.code for p in PICTOGRAMS.values()}
