"""Made-up but believable applicants for the demo and the benchmarks.

Everything here is plain Python: an ``ApplicantGenerator`` draws people, jobs and answers
from small banks of names and sentences with its own ``random.Random``, so the same seed
gives the same people every time, and ``seed_demo`` turns them into rows. Nothing reads
or writes the database.
"""

import random
from dataclasses import dataclass, field

from schemes.choices import (
    DESCRIPTIVE_WORD_COUNT,
    DESCRIPTIVE_WORDS,
    FaceToFace,
    HeardFrom,
    MatchPreference,
    MenteeReason,
    MentoredBefore,
    Term,
    TimeInRole,
    Travel,
)

# Each enum's values, read once (an enum builds its list anew on every read).
HEARD_FROM = HeardFrom.values
TIME_IN_ROLE = TimeInRole.values
FACE_TO_FACE = FaceToFace.values
TRAVEL = Travel.values
TERMS = Term.values
MATCH_PREFERENCES = MatchPreference.values
MENTEE_REASONS = MenteeReason.values
MENTORED_BEFORE = MentoredBefore.values

ONLINE = "Online"

LOCATIONS = [
    "Council House",
    "Civic Centre",
    "Central Library",
    "Northfield Depot",
    "Eastside Family Hub",
    "Riverside Offices",
    ONLINE,
]

# Each department's jobs, with a band: 0 junior, 1 middle, 2 senior. A person's grade
# decides their band, so a Grade 2 is never a head of service.
JOBS = {
    "Adult Social Care": [
        ("Reablement support worker", 0),
        ("Social work assistant", 0),
        ("Social worker", 1),
        ("Occupational therapist", 1),
        ("Senior practitioner", 2),
        ("Team manager, hospital discharge", 2),
    ],
    "Children's Services": [
        ("Family support worker", 0),
        ("Early help practitioner", 0),
        ("Children's social worker", 1),
        ("Independent reviewing officer", 1),
        ("Team manager, safeguarding", 2),
        ("Head of fostering and adoption", 2),
    ],
    "Housing": [
        ("Housing options adviser", 0),
        ("Tenancy sustainment officer", 0),
        ("Homelessness prevention officer", 1),
        ("Estate regeneration project officer", 1),
        ("Housing strategy manager", 2),
        ("Repairs service manager", 2),
    ],
    "Planning": [
        ("Planning technician", 0),
        ("Planning enforcement officer", 0),
        ("Planning officer", 1),
        ("Conservation officer", 1),
        ("Principal planner, local plan", 2),
        ("Development management manager", 2),
    ],
    "Finance": [
        ("Finance assistant", 0),
        ("Accounts payable officer", 0),
        ("Management accountant", 1),
        ("Finance business partner", 1),
        ("Internal auditor", 1),
        ("Head of financial planning", 2),
    ],
    "Legal Services": [
        ("Legal assistant", 0),
        ("Paralegal", 0),
        ("Solicitor, property and contracts", 1),
        ("Solicitor, litigation", 1),
        ("Principal solicitor, children's law", 2),
    ],
    "Libraries": [
        ("Library assistant", 0),
        ("Customer services librarian", 0),
        ("Reading development librarian", 1),
        ("Local studies archivist", 1),
        ("Library services manager", 2),
    ],
    "Highways": [
        ("Highways inspector", 0),
        ("Traffic technician", 0),
        ("Highways engineer", 1),
        ("Road safety officer", 1),
        ("Principal engineer, structures", 2),
        ("Head of highways", 2),
    ],
    "HR": [
        ("HR assistant", 0),
        ("Recruitment coordinator", 0),
        ("HR adviser", 1),
        ("Learning and development officer", 1),
        ("Senior HR business partner", 2),
        ("Organisational development manager", 2),
    ],
    "IT and Digital": [
        ("Service desk analyst", 0),
        ("Digital apprentice", 0),
        ("Business analyst", 1),
        ("Software developer", 1),
        ("Content designer", 1),
        ("Head of digital services", 2),
        ("Cyber security manager", 2),
    ],
    "Public Health": [
        ("Health improvement practitioner", 0),
        ("Public health analyst", 1),
        ("Commissioning officer, substance misuse", 1),
        ("Consultant in public health", 2),
    ],
    "Environmental Services": [
        ("Waste education officer", 0),
        ("Food safety officer", 1),
        ("Environmental health officer", 1),
        ("Parks development officer", 1),
        ("Fleet and operations manager", 2),
    ],
    "Revenues and Benefits": [
        ("Benefits assessor", 0),
        ("Council tax officer", 0),
        ("Recovery officer", 0),
        ("Benefits team leader", 1),
        ("Revenues and benefits manager", 2),
    ],
}

DEPARTMENTS = list(JOBS)

RESPONSIBILITIES = {
    "Adult Social Care": [
        "Assessing the care and support needs of older and disabled adults.",
        "Planning safe discharges from hospital with NHS colleagues.",
        "Reviewing care packages and arranging support at home.",
        "Safeguarding enquiries and the follow-up with families.",
    ],
    "Children's Services": [
        "Supporting families before problems reach crisis point.",
        "Holding a caseload of children in need and on protection plans.",
        "Chairing reviews for children in care and checking their plans are followed.",
        "Recruiting and supporting foster carers.",
    ],
    "Housing": [
        "Helping households at risk of losing their home to find a way to stay.",
        "Managing a patch of around 400 council tenancies.",
        "Working with residents on the estate regeneration programme.",
        "Overseeing the responsive repairs contract and its performance.",
    ],
    "Planning": [
        "Deciding householder and minor planning applications.",
        "Advising on listed buildings and conservation areas.",
        "Investigating breaches of planning control.",
        "Preparing evidence for the new local plan and its examination.",
    ],
    "Finance": [
        "Monthly budget monitoring with service managers.",
        "Preparing the year-end accounts and working with the external auditors.",
        "Paying suppliers on time and checking invoices against orders.",
        "Building the medium-term financial plan.",
    ],
    "Legal Services": [
        "Drafting and negotiating contracts and leases for the council.",
        "Preparing cases for the county court and tribunals.",
        "Advising social workers on care proceedings.",
        "Managing files and court bundles for the litigation team.",
    ],
    "Libraries": [
        "Running the counter, events and the home library service.",
        "Organising the summer reading challenge with local schools.",
        "Looking after the local history collection and helping researchers.",
        "Managing six branch libraries and their volunteers.",
    ],
    "Highways": [
        "Inspecting roads and footways and ordering repairs.",
        "Designing traffic calming and school streets schemes.",
        "Coordinating roadworks across the network.",
        "Managing the bridge and structures maintenance programme.",
    ],
    "HR": [
        "Advising managers on absence, capability and disciplinary cases.",
        "Running recruitment campaigns for hard-to-fill posts.",
        "Designing and delivering the management development programme.",
        "Leading on workforce planning and the staff survey.",
    ],
    "IT and Digital": [
        "Answering the service desk and fixing laptops and accounts.",
        "Redesigning online forms so residents can do things first time.",
        "Mapping processes and writing requirements for new systems.",
        "Keeping the council's network and data secure.",
    ],
    "Public Health": [
        "Running stop-smoking and healthy weight programmes in the community.",
        "Analysing health data for the joint strategic needs assessment.",
        "Commissioning drug and alcohol treatment services.",
        "Advising the council and partners on health protection.",
    ],
    "Environmental Services": [
        "Inspecting food businesses and following up complaints.",
        "Encouraging recycling through school and community visits.",
        "Looking after the borough's parks and working with friends' groups.",
        "Running the refuse fleet and its rounds.",
    ],
    "Revenues and Benefits": [
        "Assessing housing benefit and council tax support claims.",
        "Billing and collecting council tax and business rates.",
        "Agreeing payment plans with residents who have fallen behind.",
        "Leading a team of assessors and checking the quality of decisions.",
    ],
}

QUALIFICATIONS = {
    "Adult Social Care": ["BA (Hons) Social Work", "BSc Occupational Therapy", "Care Certificate"],
    "Children's Services": ["MA Social Work", "Level 3 Diploma in Children and Young People"],
    "Housing": ["CIH Level 4 Certificate in Housing", "Level 3 Certificate in Housing Practice"],
    "Planning": ["MSc Town Planning", "BA (Hons) Geography", "Diploma in Building Conservation"],
    "Finance": ["CIPFA qualified accountant", "AAT Level 4", "ACCA part-qualified"],
    "Legal Services": ["LLB (Hons) and LPC", "CILEx Level 3", "Solicitor (admitted 2012)"],
    "Libraries": ["MA Library and Information Studies", "BA (Hons) English Literature"],
    "Highways": ["HNC Civil Engineering", "BEng Civil Engineering", "NRSWA supervisor card"],
    "HR": ["CIPD Level 5", "CIPD Level 7", "BA (Hons) Business Management"],
    "IT and Digital": [
        "BSc Computer Science",
        "ITIL Foundation",
        "Level 4 software apprenticeship",
    ],
    "Public Health": ["MSc Public Health", "BSc Nutrition", "RSPH Level 2 in Health Improvement"],
    "Environmental Services": ["BSc Environmental Health", "Higher Certificate in Food Control"],
    "Revenues and Benefits": ["IRRV Level 3", "AAT Level 2"],
}

GENERAL_QUALIFICATIONS = [
    "ILM Level 3 in Leadership and Management",
    "Prince2 Foundation",
    "Mental health first aider",
    "None beyond my degree",
    "GCSEs and A levels; learning on the job since",
]

PROFESSIONAL_BODIES = {
    "Adult Social Care": ["Social Work England", "Royal College of Occupational Therapists"],
    "Children's Services": ["Social Work England"],
    "Housing": ["Chartered Institute of Housing"],
    "Planning": ["Royal Town Planning Institute"],
    "Finance": ["CIPFA", "ACCA"],
    "Legal Services": ["The Law Society", "CILEx"],
    "Libraries": ["CILIP"],
    "Highways": ["Institution of Civil Engineers", "Institution of Highways and Transportation"],
    "HR": ["CIPD"],
    "IT and Digital": ["BCS, The Chartered Institute for IT"],
    "Public Health": ["Faculty of Public Health", "Royal Society for Public Health"],
    "Environmental Services": ["Chartered Institute of Environmental Health"],
    "Revenues and Benefits": ["Institute of Revenues, Rating and Valuation"],
}

FIRST_NAMES = [
    "Aisha", "Alex", "Amara", "Amelia", "Ben", "Bethan", "Callum", "Chloe", "Daniel", "Deepa",
    "Eilidh", "Ellie", "Fatima", "Finn", "Grace", "Hamza", "Hannah", "Harry", "Imran", "Isla",
    "Jack", "Jade", "James", "Jas", "Joanne", "Kai", "Karen", "Kwame", "Laura", "Leon",
    "Lucy", "Maria", "Mark", "Mei", "Mohammed", "Nadia", "Niamh", "Olu", "Omar", "Paul",
    "Priya", "Rachel", "Rhys", "Rosa", "Ryan", "Sadia", "Sarah", "Sean", "Sophie", "Steve",
    "Tariq", "Tom", "Una", "Vikram", "Wendy", "Yusuf", "Zara", "Zoe", "Gareth", "Helen",
]  # fmt: skip

SURNAMES = [
    "Ahmed", "Ali", "Bailey", "Begum", "Bennett", "Brown", "Campbell", "Chen", "Clarke",
    "Davies", "Edwards", "Evans", "Fraser", "Green", "Hall", "Hughes", "Hussain", "Jackson",
    "James", "Jones", "Kaur", "Khan", "Kowalski", "Lewis", "Lloyd", "Mensah", "Morgan",
    "Murphy", "Nowak", "O'Brien", "Okafor", "Owen", "Patel", "Price", "Reid", "Roberts",
    "Robinson", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward",
    "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young", "Adeyemi", "Begg",
    "Doyle", "Gill", "Kelly", "Mahmood", "Nguyen", "Pearson",
]  # fmt: skip

TITLES = ["Ms", "Mr", "Mrs", "Mx", "Dr", "Miss", ""]

REASON_DETAILS: dict[str, list[str]] = {
    MenteeReason.CURRENT_ROLE: [
        "I moved into {job} last year and still feel I am learning the job as I go.",
        "I want to get better at planning my week instead of reacting to whatever lands.",
        "My role in {department} has grown and I would like help prioritising.",
    ],
    MenteeReason.NEXT_STEP: [
        "I would like to apply for a team leader post in the next year or so.",
        "I am thinking about a move from {department} into a policy or strategy role.",
        "I have applied for promotion twice and want to understand what is holding me back.",
    ],
    MenteeReason.CONFIDENCE: [
        "I know my subject but find it hard to speak up in meetings with senior managers.",
        "I would like to feel more confident presenting to councillors.",
        "Since coming back from parental leave I have lost some confidence.",
    ],
    MenteeReason.CHANGE: [
        "{department} is being restructured and my role is changing.",
        "We have a new system coming in and I am leading on it without much experience.",
        "I have taken on a team after my manager left and it has been a difficult year.",
    ],
    MenteeReason.DIRECTION: [
        "I have been in {department} for a long time and am not sure what comes next.",
        "I enjoy my work but do not have a clear idea of where I want to be in five years.",
    ],
    MenteeReason.NETWORK: [
        "I would like to understand how other departments work and meet people there.",
        "Most of my contacts are inside {department}; I would like a wider view of the council.",
    ],
    MenteeReason.OTHER: [
        "I am starting a part-time degree and want help balancing it with work.",
        "I am a new manager and also a carer at home, and want to manage both well.",
    ],
}

CURRENT_CHALLENGES = [
    "Keeping on top of a caseload that has grown by a third.",
    "Managing people who used to be my peers.",
    "Getting decisions made when several teams are involved.",
    "Saying no to requests without upsetting colleagues.",
    "Learning a new system while the old one is still running.",
    "Finding time to think ahead rather than firefighting.",
    "Working with partners whose priorities are different from ours.",
    "Explaining technical work to people who are not specialists.",
]

ISSUES_ON_MIND = [
    "The budget for next year and what it means for my team.",
    "Whether I am ready for the next step up.",
    "A difficult working relationship with another team.",
    "The restructure and where I will fit in it.",
    "How to get my ideas heard in meetings.",
    "Getting the balance right between detail and the bigger picture.",
    "Staff turnover in my team and how to keep good people.",
]

AWAKE_AT_NIGHT = [
    "Cases I have not had time to follow up.",
    "Worrying that I have missed something important.",
    "Very little, to be honest: I sleep well, but Sunday evenings can be hard.",
    "Deadlines that all fall in the same week.",
    "Conversations I have been putting off.",
    "Whether residents are getting the service they deserve.",
]

BIGGEST_FEAR = [
    "Being found out as not knowing enough; it makes me over-prepare everything.",
    "Making a mistake in public, so I tend to stay quiet.",
    "Standing still for another five years, which makes me restless.",
    "Letting my team down, so I take too much on myself.",
    "Failing at an interview again, so I have stopped applying.",
    "Not being taken seriously because of my age.",
]

SUCCESS_MEANS = [
    "Going home knowing I did my best work that day.",
    "Being trusted to lead a piece of work from start to finish.",
    "A role where I can use my experience to shape services.",
    "A team that works well without me having to check everything.",
    "Being recognised for what I do, and enjoying it.",
    "Making a visible difference for residents.",
    "Progressing to a more senior role while keeping a life outside work.",
]

BEHAVE_DIFFERENTLY = [
    "Speaking up earlier when I disagree.",
    "Delegating more and checking less.",
    "Planning my week and protecting time for the important things.",
    "Being calmer under pressure and less quick to react.",
    "Asking for help instead of struggling on alone.",
    "Putting myself forward for projects outside my team.",
]

KNOW_IT_WORKED = [
    "I would have applied for a new role, whatever the outcome.",
    "My manager would notice that I contribute more in meetings.",
    "I would feel less anxious on Sunday evenings.",
    "My team would say they get clearer direction from me.",
    "I would have a plan for the next two years and be working to it.",
    "Colleagues in other departments would know who I am and what I do.",
]

MENTOR_REASONS = [
    "I had a mentor early in my career and it made a real difference; I would like to "
    "pass that on.",
    "I enjoy helping people think problems through and see their own way forward.",
    "I want to develop my own coaching skills and understand other parts of the council.",
    "I have been through a restructure and a career change and could share what helped.",
    "I think mentoring is one of the best ways to keep good people in local government.",
    "I would like to give something back after a long career with the council.",
    "Supporting people from under-represented groups into management matters to me.",
]

EXPERIENCE = [
    "{years} years in {department}, the last few managing a team of {team}.",
    "Leading change in {department}, including a service redesign and a new system.",
    "Recruiting and developing staff; I have coached several people into their first "
    "management posts.",
    "Presenting reports to committee and working with councillors.",
    "Budget management and making the case for investment.",
    "Working across organisations with the NHS, police and voluntary sector.",
    "Returning to work after a career break and building up again.",
    "Moving between professions: I started in {other_department}.",
]

RESTRICTIONS = [
    "I work part-time, Monday to Wednesday.",
    "I cannot meet in the school holidays.",
    "Mornings are best for me; afternoons are busy with visits.",
    "I am on a compressed week and not in on Fridays.",
    "I am a union representative, so some weeks are unpredictable.",
    "I am shielding a family member, so online meetings suit me better for now.",
]

NOTES = [
    "I am happy to meet before 9 if that helps.",
    "I would prefer someone who has worked outside local government too.",
    "I am neurodivergent and find an agenda beforehand useful.",
    "Nothing else, thank you.",
    "I would like to meet somewhere away from my own office.",
    "I use British Sign Language; an interpreter can be booked through HR.",
]

DECLINE_REASONS = [
    "Thank you for applying. This round is for staff who have passed their probation; "
    "please apply again once you have, we would love to have you.",
]

WAITLIST_REASONS = [
    "We do not yet have a mentor who can meet you at Northfield Depot; we will be in "
    "touch as soon as one joins.",
    "More mentees than mentors have applied this round. You keep your place in the "
    "queue for the next mentor who joins.",
]


@dataclass(frozen=True)
class Applicant:
    """One made-up person and the complete answers of their application."""

    name: str
    email: str
    role: str
    fields: dict = field(default_factory=dict)  # Application fields and their values
    custom: dict = field(default_factory=dict)  # {question id: answer}
    applied_hours_ago: float = 24.0
    decided_after_hours: float = 24.0


class ApplicantGenerator:
    """Draws applicants for one scheme's lists from one seed.

    ``questions`` are objects with ``pk``, ``kind``, ``choices``, ``required`` and
    ``asks(role)`` (the scheme's ``CustomQuestion`` rows). ``email_domain`` names
    everyone's address; ``numbered`` puts the role and number into it, so large schemes
    never repeat an address.
    """

    def __init__(
        self,
        seed: int | str,
        *,
        departments: list[str],
        locations: list[str],
        grades: list[str],
        development_areas: list[str],
        questions=(),
        email_domain: str = "example.org",
        numbered: bool = False,
    ):
        self.seed = seed
        self.departments = departments or DEPARTMENTS
        self.places = [place for place in locations if place != ONLINE] or locations
        self.has_online = ONLINE in locations
        self.grades = grades
        self.areas = development_areas
        self.questions = list(questions)
        self.email_domain = email_domain
        self.numbered = numbered
        self._taken: set[str] = set()

    def applicant(self, role: str, number: int) -> Applicant:
        """The ``number``-th applicant for ``role``. Each one has a random generator of
        their own, seeded with the seed, the role and the number, so a person comes out
        the same whoever was drawn before them (a scheme can be topped up)."""
        # Made-up people, not secrets: a seeded, non-cryptographic generator is the point.
        rng = self._rng = random.Random(f"{self.seed}:{role}:{number}")  # noqa: S311
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        email = self._email(first, last, role, number)
        department = rng.choice(self.departments)
        grade_index = self._grade_index(role)
        band = self._band(grade_index)
        job = self._job(department, band)
        answers = {
            "title": rng.choice(TITLES),
            "phone": f"0121 496 0{rng.randrange(1000):03d}",  # Ofcom's range for drama
            "professional_body": (
                rng.choice(PROFESSIONAL_BODIES.get(department, [""])) if rng.random() < 0.45 else ""
            ),
            "descriptive_words": rng.sample(DESCRIPTIVE_WORDS, DESCRIPTIVE_WORD_COUNT),
            "heard_from": rng.choice(HEARD_FROM),
            "job_title": job,
            "grade": self.grades[grade_index],
            "department": department,
            "qualifications": self._qualifications(department),
            "time_in_role": rng.choice(TIME_IN_ROLE),
            "responsibilities": " ".join(
                rng.sample(RESPONSIBILITIES.get(department, RESPONSIBILITIES["HR"]), 2)
            ),
            "line_manager_email": (self._manager_email() if rng.random() < 0.5 else ""),
            **self._preferences(department),
        }
        if role == "mentee":
            answers.update(self._goals(department, job))
        else:
            answers.update(self._offer(department))
        return Applicant(
            name=f"{first} {last}",
            email=email,
            role=role,
            fields=answers,
            custom=self._custom_answers(role),
            applied_hours_ago=rng.uniform(2, 20 * 24),
            decided_after_hours=rng.uniform(1, 72),
        )

    def _email(self, first: str, last: str, role: str, number: int) -> str:
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        if self.numbered:
            return f"{local}.{role}{number}@{self.email_domain}"
        email, n = f"{local}@{self.email_domain}", 2
        while email in self._taken:
            email, n = f"{local}{n}@{self.email_domain}", n + 1
        self._taken.add(email)
        return email

    def _grade_index(self, role: str) -> int:
        # Mentors come mostly from the upper half of the grades, mentees from the lower.
        top = len(self.grades) - 1
        position = self._rng.betavariate(4, 2) if role == "mentor" else self._rng.betavariate(2, 3)
        return min(top, round(position * top))

    def _band(self, grade_index: int) -> int:
        share = grade_index / max(1, len(self.grades) - 1)
        return 0 if share < 0.4 else 1 if share < 0.75 else 2

    def _job(self, department: str, band: int) -> str:
        jobs = JOBS.get(department)
        if not jobs:
            return ["Officer", "Senior officer", "Manager"][band]
        fitting = [title for title, job_band in jobs if job_band == band]
        return self._rng.choice(fitting or [title for title, _ in jobs])

    def _qualifications(self, department: str) -> str:
        own = QUALIFICATIONS.get(department, [])
        chosen = [self._rng.choice(own)] if own else []
        if not chosen or self._rng.random() < 0.35:
            chosen.append(self._rng.choice(GENERAL_QUALIFICATIONS))
        return "; ".join(chosen)

    def _manager_email(self) -> str:
        first, last = self._rng.choice(FIRST_NAMES), self._rng.choice(SURNAMES)
        return f"{first}.{last}".lower().replace("'", "") + "@example.org"

    def _preferences(self, department: str) -> dict:
        rng = self._rng
        places = rng.sample(self.places, min(len(self.places), rng.choice([1, 1, 2, 3])))
        if self.has_online and rng.random() < 0.6:
            places.append(ONLINE)
        face_to_face = rng.choices(FACE_TO_FACE, weights=[2, 4, 3, 1])[0]
        return {
            "locations": places,
            "travel": rng.choice(TRAVEL),
            "face_to_face": face_to_face,
            "term": rng.choices(TERMS, weights=[7, 3])[0],
            "match_preference": rng.choices(MATCH_PREFERENCES, weights=[1, 6, 3])[0],
            "restrictions": rng.choice(RESTRICTIONS) if rng.random() < 0.3 else "",
            "avoid_people": (
                [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"] if rng.random() < 0.1 else []
            ),
            "avoid_departments": (
                [rng.choice([d for d in self.departments if d != department] or self.departments)]
                if rng.random() < 0.1
                else []
            ),
        }

    def _goals(self, department: str, job: str) -> dict:
        rng = self._rng
        reason = rng.choices(MENTEE_REASONS, weights=[3, 4, 4, 2, 2, 2, 1])[0]
        details = rng.choice(REASON_DETAILS[reason])
        return {
            "reason": reason,
            "reason_details": details.format(department=department, job=job.lower()),
            "areas_wanted": rng.sample(self.areas, min(len(self.areas), rng.randint(2, 4))),
            "current_challenges": rng.choice(CURRENT_CHALLENGES),
            "issues_on_mind": rng.choice(ISSUES_ON_MIND),
            "awake_at_night": rng.choice(AWAKE_AT_NIGHT),
            "biggest_fear": rng.choice(BIGGEST_FEAR),
            "success_means": rng.choice(SUCCESS_MEANS),
            "behave_differently": " ".join(rng.sample(BEHAVE_DIFFERENTLY, 2)),
            "know_it_worked": rng.choice(KNOW_IT_WORKED),
        }

    def _offer(self, department: str) -> dict:
        rng = self._rng
        others = [d for d in DEPARTMENTS if d != department]
        experience = [
            line.format(
                years=rng.randint(6, 25),
                department=department,
                team=rng.randint(4, 15),
                other_department=rng.choice(others),
            )
            for line in rng.sample(EXPERIENCE, 2)
        ]
        return {
            "mentor_reasons": rng.choice(MENTOR_REASONS),
            "mentored_before": rng.choices(MENTORED_BEFORE, weights=[3, 4, 3])[0],
            "experience": " ".join(experience),
            "areas_offered": rng.sample(self.areas, min(len(self.areas), rng.randint(3, 6))),
            "capacity": rng.choices([1, 2, 3], weights=[3, 5, 2])[0],
        }

    def _custom_answers(self, role: str) -> dict:
        rng = self._rng
        answers = {}
        for question in self.questions:
            if not question.asks(role) or (not question.required and rng.random() < 0.4):
                continue
            if question.kind == "single":
                value = rng.choice(question.choices)
            elif question.kind == "multiple":
                count = rng.randint(1, min(3, len(question.choices)))
                chosen = set(rng.sample(question.choices, count))
                value = [choice for choice in question.choices if choice in chosen]
            elif question.kind == "scale":
                value = rng.randint(1, 5)
            else:
                value = rng.choice(NOTES)
            answers[str(question.pk)] = value
        return answers
