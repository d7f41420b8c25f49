"""Generate deterministic, realistic synthetic raw data for the Lead Funnel Warehouse.

    python scripts/generate_data.py --leads N --seed S --out DIR [--format csv|parquet]
    python scripts/generate_data.py --demo          # rewrite the committed demo seeds

Writes the three raw tables of SPEC section 3 (leads, activities, stage_changes), every
column as text, as DIR/NAME.csv (or .parquet), or with --landing-days as folders of daily
landing files DIR/NAME/NAME_YYYY-MM-DD.csv.

The simulation is vectorised (numpy arrays, no per-row Python) and deterministic: the same
arguments give the same bytes. How the data is made:

* leads: created over the --start-date..--end-date window (growth trend, seasonality, fewer
  at weekends and at night in the lead's local time), at companies drawn from a shared pool
  (several leads per account), with channel (lead_source) and offer (acquisition_offer),
  names, seniority-bearing job titles, company e-mail domains, free-mail and student
  addresses, optional phone numbers;
* funnel: a latent quality per lead (offer, channel, seniority, company size, e-mail kind)
  decides who becomes an MQL and who sales accepts; then SAL -> SQL -> opportunity ->
  customer with published step rates, rejections, recycling (with re-MQL), disqualification,
  lost deals, a few skipped stages and leads entered straight as opportunities; stage labels
  mix the synonyms of seeds/stage_mapping.csv;
* sales response: a third of MQLs get a sales touch within the hour (mostly in office hours),
  a long tail of days, some never; decisions mostly within 1-3 days, some pending;
* activities: bursts after creation and before each MQL (high-intent), nurture over the
  lead's life, sales touches by the deciding rep, office-hour and weekday patterns;
* events stop at end-date + 14 days (the moment the extract was taken);
* --defects appends or mutates a handful of rows with the data-quality problems of SPEC
  section 8 and prints which keys hold which defect.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

# --------------------------------------------------------------------------------------------
# Public interface: column names and order (SPEC section 3)
# --------------------------------------------------------------------------------------------

LEAD_COLUMNS = (
    "lead_id",
    "created_at",
    "email",
    "first_name",
    "last_name",
    "job_title",
    "phone",
    "company_name",
    "company_size",
    "industry",
    "country",
    "lead_source",
    "acquisition_offer",
    "owner_id",
)
ACTIVITY_COLUMNS = (
    "activity_id",
    "lead_id",
    "activity_type",
    "occurred_at",
    "owner_id",
    "campaign",
    "detail",
    "duration_seconds",
)
STAGE_COLUMNS = ("change_id", "lead_id", "stage", "changed_at", "owner_id", "reason", "amount")
TABLE_COLUMNS = {
    "leads": LEAD_COLUMNS,
    "activities": ACTIVITY_COLUMNS,
    "stage_changes": STAGE_COLUMNS,
}

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO = {"leads": 2000, "seed": 42, "activities_per_lead": 10.0, "out": PROJECT_DIR / "seeds"}
DEFAULT_START = dt.date(2024, 1, 1)
DEFAULT_END = dt.date(2025, 12, 31)
GRACE_DAYS = 14  # the extract is taken this many days after the end of the creation window
LEAD_ID_WIDTH = 7  # L0000001 .. L9999999
EVENT_ID_WIDTH = 8  # A00000001 / S00000001: room for 30M+ activities
CHUNK_ROWS = 1_000_000
MAX_LEADS = 20_000_000

DAY = 86_400
HOUR = 3_600
MINUTE = 60

# --------------------------------------------------------------------------------------------
# Catalogues (no commas, quotes or line breaks: the CSV is written without quoting)
# --------------------------------------------------------------------------------------------

LEAD_SOURCES = (
    "organic_search",
    "paid_search",
    "social",
    "email",
    "referral",
    "event",
    "partner",
    "direct",
    "display",
    "other",
)
SOURCE_WEIGHTS = (0.21, 0.17, 0.11, 0.09, 0.06, 0.07, 0.05, 0.09, 0.08, 0.04)
# logit effect of the channel on lead quality (referral/event convert far better than display)
SOURCE_EFFECT = (0.0, 0.0, -0.7, -0.1, 0.9, 0.6, 0.4, 0.3, -0.9, -0.3)
SOURCE_MISSING = 0.025

OFFERS = (
    "ebook",
    "customer_case",
    "webinar",
    "demo_request",
    "free_trial",
    "contact_form",
    "trade_show",
)
OFFER_EFFECT = (-0.9, -0.2, 0.1, 1.6, 1.2, 1.1, 0.3)
OFFER_MISSING = 0.02
# P(offer | source), rows in LEAD_SOURCES order, then one row for an unknown source
OFFER_BY_SOURCE = np.array(
    [
        [0.30, 0.10, 0.10, 0.15, 0.15, 0.20, 0.00],
        [0.30, 0.05, 0.05, 0.25, 0.25, 0.10, 0.00],
        [0.45, 0.15, 0.25, 0.05, 0.05, 0.05, 0.00],
        [0.20, 0.15, 0.40, 0.10, 0.05, 0.10, 0.00],
        [0.05, 0.10, 0.05, 0.40, 0.10, 0.30, 0.00],
        [0.05, 0.05, 0.10, 0.10, 0.00, 0.05, 0.65],
        [0.10, 0.10, 0.15, 0.35, 0.10, 0.20, 0.00],
        [0.05, 0.05, 0.05, 0.30, 0.25, 0.30, 0.00],
        [0.55, 0.20, 0.15, 0.05, 0.05, 0.00, 0.00],
        [0.25, 0.15, 0.20, 0.10, 0.10, 0.15, 0.05],
        [0.30, 0.10, 0.10, 0.15, 0.15, 0.20, 0.00],
    ]
)

# country: weight, name region, phone code, standard UTC offset (minutes), DST rule
# (0 none, 1 northern summer Apr-Oct, 2 southern summer Oct-Mar), e-mail TLD, legal forms
COUNTRIES: tuple[tuple[str, float, int, str, int, int, str, tuple[str, ...]], ...] = (
    ("US", 0.360, 0, "1", -300, 1, ".com", ("Inc", "LLC", "Corp")),
    ("CA", 0.050, 0, "1", -300, 1, ".ca", ("Inc", "Ltd")),
    ("GB", 0.100, 0, "44", 0, 1, ".co.uk", ("Ltd", "plc")),
    ("IE", 0.015, 0, "353", 0, 1, ".ie", ("Ltd",)),
    ("DE", 0.080, 1, "49", 60, 1, ".de", ("GmbH", "AG")),
    ("FR", 0.045, 2, "33", 60, 1, ".fr", ("SA", "SAS")),
    ("NL", 0.035, 1, "31", 60, 1, ".nl", ("BV",)),
    ("ES", 0.030, 2, "34", 60, 1, ".es", ("SL", "SA")),
    ("IT", 0.025, 2, "39", 60, 1, ".it", ("SpA", "Srl")),
    ("SE", 0.020, 1, "46", 60, 1, ".se", ("AB",)),
    ("CH", 0.015, 1, "41", 60, 1, ".ch", ("AG", "GmbH")),
    ("PL", 0.015, 1, "48", 60, 1, ".pl", ("Sp. z o.o.",)),
    ("BR", 0.030, 2, "55", -180, 0, ".com.br", ("Ltda",)),
    ("MX", 0.015, 2, "52", -360, 0, ".com.mx", ("SA de CV",)),
    ("IN", 0.050, 3, "91", 330, 0, ".in", ("Pvt Ltd",)),
    ("SG", 0.020, 4, "65", 480, 0, ".sg", ("Pte Ltd",)),
    ("JP", 0.020, 4, "81", 540, 0, ".co.jp", ("KK",)),
    ("AU", 0.040, 0, "61", 600, 2, ".com.au", ("Pty Ltd",)),
    ("NZ", 0.005, 0, "64", 720, 2, ".co.nz", ("Ltd",)),
)
US_OFFSETS = (-300, -360, -420, -480)  # Eastern, Central, Mountain, Pacific
US_OFFSET_WEIGHTS = (0.50, 0.20, 0.05, 0.25)
# sales regions: North America, EMEA, APAC + LATAM (reps rep_01 .. rep_12)
REPS = tuple(f"rep_{i:02d}" for i in range(1, 13))
REGION_REPS = {"na": (0, 5), "emea": (5, 9), "apac_latam": (9, 12)}
COUNTRY_SALES_REGION = {
    "US": "na",
    "CA": "na",
    "MX": "na",
    "IN": "apac_latam",
    "SG": "apac_latam",
    "JP": "apac_latam",
    "AU": "apac_latam",
    "NZ": "apac_latam",
    "BR": "apac_latam",
}

# first and last names per name region (anglo, germanic/nordic, romance, indian, east asian)
FIRST_NAMES = (
    (
        "James",
        "Mary",
        "John",
        "Patricia",
        "Robert",
        "Jennifer",
        "Michael",
        "Linda",
        "William",
        "Elizabeth",
        "David",
        "Barbara",
        "Richard",
        "Susan",
        "Joseph",
        "Jessica",
        "Thomas",
        "Sarah",
        "Chris",
        "Karen",
        "Daniel",
        "Emily",
        "Matthew",
        "Ashley",
        "Andrew",
        "Megan",
        "Ryan",
        "Laura",
        "Kevin",
        "Rachel",
        "Brian",
        "Olivia",
        "Jason",
        "Emma",
        "Tyler",
        "Hannah",
        "Ann",
        "Bob",
        "Grace",
        "Liam",
        "Noah",
        "Ava",
        "Ethan",
        "Chloe",
    ),
    (
        "Lukas",
        "Anna",
        "Jonas",
        "Lena",
        "Felix",
        "Sophie",
        "Maximilian",
        "Marie",
        "Niklas",
        "Julia",
        "Tobias",
        "Katharina",
        "Sven",
        "Ingrid",
        "Lars",
        "Astrid",
        "Erik",
        "Sanne",
        "Daan",
        "Femke",
        "Pieter",
        "Björn",
        "Jürgen",
        "Agnieszka",
        "Piotr",
        "Freya",
        "Mats",
    ),
    (
        "Lucas",
        "Camille",
        "Hugo",
        "Chloé",
        "Louis",
        "Léa",
        "Mateo",
        "Lucía",
        "Javier",
        "Carmen",
        "Pablo",
        "Sofía",
        "Marco",
        "Giulia",
        "Luca",
        "Francesca",
        "Alessandro",
        "Chiara",
        "João",
        "Ana",
        "Pedro",
        "Beatriz",
        "Thiago",
        "Mariana",
        "Diego",
        "Valentina",
    ),
    (
        "Aarav",
        "Priya",
        "Rahul",
        "Ananya",
        "Vikram",
        "Sneha",
        "Arjun",
        "Kavya",
        "Rohan",
        "Neha",
        "Amit",
        "Pooja",
        "Sanjay",
        "Divya",
        "Karthik",
        "Meera",
    ),
    (
        "Hiroshi",
        "Yuki",
        "Takeshi",
        "Aiko",
        "Kenji",
        "Sakura",
        "Wei",
        "Mei",
        "Jun",
        "Ming",
        "Hui",
        "Daniel",
        "Rachel",
        "Haruto",
        "Yui",
        "Kai",
    ),
)
LAST_NAMES = (
    (
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Jackson",
        "Martin",
        "Lee",
        "Thompson",
        "White",
        "Harris",
        "Clark",
        "Lewis",
        "Robinson",
        "Walker",
        "Young",
        "Allen",
        "King",
        "Wright",
        "Scott",
        "Green",
        "Baker",
        "Adams",
        "Nelson",
        "Hill",
        "Campbell",
        "Mitchell",
        "O'Brien",
        "Murphy",
        "Kelly",
        "Kim",
        "Nguyen",
        "Patel",
        "Garcia",
        "Hughes",
    ),
    (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Schulz",
        "Koch",
        "Richter",
        "Klein",
        "Wolf",
        "de Jong",
        "Jansen",
        "van Dijk",
        "Bakker",
        "Visser",
        "Andersson",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Larsen",
        "Hansen",
        "Nowak",
        "Kowalski",
    ),
    (
        "Bernard",
        "Dubois",
        "Durand",
        "Lefebvre",
        "Moreau",
        "Petit",
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Rossi",
        "Russo",
        "Ferrari",
        "Esposito",
        "Bianchi",
        "Romano",
        "Silva",
        "Santos",
        "Oliveira",
        "Souza",
        "Costa",
    ),
    (
        "Sharma",
        "Verma",
        "Gupta",
        "Singh",
        "Kumar",
        "Reddy",
        "Iyer",
        "Nair",
        "Mehta",
        "Shah",
        "Rao",
        "Joshi",
    ),
    (
        "Tanaka",
        "Suzuki",
        "Takahashi",
        "Watanabe",
        "Ito",
        "Yamamoto",
        "Nakamura",
        "Sato",
        "Tan",
        "Lim",
        "Ng",
        "Wong",
        "Chen",
        "Li",
    ),
)

# job titles by seniority band: (band, weight, logit effect on quality, titles)
TITLE_BANDS: tuple[tuple[str, float, float, tuple[str, ...]], ...] = (
    (
        "executive",
        0.08,
        0.5,
        (
            "CEO",
            "CTO",
            "CMO",
            "CFO",
            "COO",
            "CRO",
            "Founder",
            "Co-Founder",
            "Owner",
            "President",
            "Chief Revenue Officer",
            "Chief Marketing Officer",
            "Managing Director",
        ),
    ),
    (
        "vp",
        0.06,
        0.5,
        (
            "VP Sales",
            "VP Marketing",
            "VP Engineering",
            "VP Operations",
            "VP of Finance",
            "Vice President Sales",
            "SVP Revenue",
        ),
    ),
    (
        "head",
        0.06,
        0.4,
        (
            "Head of Marketing",
            "Head of Sales",
            "Head of Growth",
            "Head of IT",
            "Head of Data",
            "Head of Operations",
            "Head of Revenue Operations",
        ),
    ),
    (
        "director",
        0.10,
        0.4,
        (
            "Director of IT",
            "Marketing Director",
            "Sales Director",
            "Director of Operations",
            "Director of Finance",
            "IT Director",
            "Director of Demand Generation",
            "Engineering Director",
        ),
    ),
    (
        "manager",
        0.22,
        0.15,
        (
            "Marketing Manager",
            "Sales Manager",
            "IT Manager",
            "Product Manager",
            "Operations Manager",
            "Account Manager",
            "Project Manager",
            "Demand Generation Manager",
            "Marketing Operations Manager",
            "Engineering Manager",
        ),
    ),
    (
        "individual",
        0.28,
        -0.2,
        (
            "Analyst",
            "Business Analyst",
            "Data Analyst",
            "Marketing Specialist",
            "Software Engineer",
            "Sales Representative",
            "System Administrator",
            "Marketing Coordinator",
            "Accountant",
            "Developer",
            "Data Engineer",
            "Designer",
        ),
    ),
    (
        "other",
        0.07,
        -0.4,
        ("Consultant", "Freelancer", "Independent Consultant", "Teacher", "Researcher"),
    ),
    ("student", 0.05, -2.5, ("Student", "PhD Student", "Intern", "Marketing Intern")),
)
TITLE_MISSING = 0.08
TITLE_MISSING_EFFECT = -0.6

INDUSTRIES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    (
        "software",
        0.20,
        ("Software", "Labs", "Technologies", "Systems", "Cloud", "Analytics", "Data", "AI"),
    ),
    (
        "financial_services",
        0.10,
        ("Capital", "Bank", "Financial", "Insurance", "Investments", "Payments"),
    ),
    (
        "manufacturing",
        0.12,
        ("Manufacturing", "Industries", "Components", "Machinery", "Plastics", "Metals"),
    ),
    ("healthcare", 0.10, ("Health", "Medical", "Clinics", "Pharma", "Biotech", "Diagnostics")),
    ("retail", 0.10, ("Retail", "Stores", "Outfitters", "Market", "Brands", "Home")),
    ("education", 0.06, ("Academy", "Learning", "College", "Schools")),
    ("government", 0.04, ("County", "City Council", "Public Works", "Water Authority")),
    (
        "professional_services",
        0.10,
        ("Consulting", "Advisors", "Group", "Associates", "Legal", "Accounting"),
    ),
    ("media", 0.05, ("Media", "Studios", "Publishing", "Broadcasting")),
    ("telecommunications", 0.04, ("Telecom", "Networks", "Communications", "Wireless")),
    ("logistics", 0.05, ("Logistics", "Freight", "Shipping", "Transport")),
    ("energy", 0.04, ("Energy", "Power", "Solar", "Utilities")),
)
COMPANY_ROOTS = (
    "Acme",
    "Northwind",
    "Contoso",
    "Globex",
    "Initech",
    "Umbrella",
    "Vertex",
    "Summit",
    "Blue River",
    "Redwood",
    "Ironclad",
    "Brightline",
    "Clearwater",
    "Silverline",
    "Stonebridge",
    "Evergreen",
    "Falcon",
    "Horizon",
    "Keystone",
    "Lighthouse",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Pinnacle",
    "Quantum",
    "Riverstone",
    "Sterling",
    "Trident",
    "Unity",
    "Vantage",
    "Westbrook",
    "Zenith",
    "Apex",
    "Beacon",
    "Cascade",
    "Delta",
    "Echo",
    "Frontier",
    "Granite",
    "Harbor",
    "Insight",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Polaris",
    "Quartz",
    "Radiant",
    "Sapphire",
    "Tidal",
    "Vector",
    "Willow",
    "Atlas",
    "Boreal",
    "Cobalt",
    "Crescent",
    "Dynamo",
    "Ember",
    "Fjord",
    "Gemini",
    "Helix",
    "Indigo",
    "Jade",
    "Kinetic",
    "Lattice",
    "Nexus",
    "Onyx",
    "Prism",
    "Quest",
    "Ridge",
    "Solstice",
    "Terra",
    "Upland",
    "Velocity",
    "Waypoint",
    "Zephyr",
    "Alder",
    "Birch",
    "Cedar",
    "Aurora",
    "Bluebird",
    "Copper",
    "Driftwood",
    "Highland",
    "Iris",
    "Lakeshore",
    "Monarch",
    "Northstar",
    "Oceanic",
    "Parallel",
    "Rainier",
    "Sequoia",
    "Tandem",
    "Vista",
    "True North",
    "Red Kite",
    "Green Valley",
    "Silver Oak",
    "Black Rock",
    "White Peak",
    "Open Field",
    "Blue Harbor",
)
FREE_MAIL_DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "gmx.de",
    "web.de",
    "yahoo.co.uk",
    "orange.fr",
    "aol.com",
)
FREE_MAIL_WEIGHTS = (0.45, 0.12, 0.12, 0.12, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02)
EDU_DOMAINS = (
    "northbridge.edu",
    "lakeside.edu",
    "stateuniversity.edu",
    "westfield-college.edu",
    "pacific-tech.edu",
    "midland.edu",
)
COMPETITOR_DOMAIN = "competitor.example"
# e-mail kinds: company domain, free mail, student (.edu), competitor
EMAIL_KIND_EFFECT = (0.0, -0.6, -1.5, -3.0)

# --------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------

LEAD, MQL, SAL, SQL, OPP, CUSTOMER, REJECTED, RECYCLED, DISQUALIFIED, LOST = range(10)
# source labels (all in seeds/stage_mapping.csv, case-insensitively) and their weights
STAGE_LABELS: tuple[tuple[tuple[str, float], ...], ...] = (
    (("Lead", 0.4), ("New", 0.3), ("New Lead", 0.2), ("lead", 0.1)),
    (
        ("MQL", 0.55),
        ("Marketing Qualified Lead", 0.3),
        ("mql", 0.08),
        ("Marketing Qualified", 0.07),
    ),
    (("SAL", 0.5), ("Sales Accepted Lead", 0.25), ("Accepted", 0.15), ("sales accepted", 0.1)),
    (("SQL", 0.55), ("Sales Qualified Lead", 0.3), ("sql", 0.1), ("Sales Qualified", 0.05)),
    (
        ("Opportunity", 0.45),
        ("QSO", 0.2),
        ("Qualified Sales Opportunity", 0.15),
        ("Opp", 0.1),
        ("opportunity", 0.1),
    ),
    (("Closed Won", 0.5), ("Customer", 0.3), ("Won", 0.15), ("customer", 0.05)),
    (("Rejected", 0.45), ("Sales Rejected", 0.35), ("Sales Rejected Lead", 0.1), ("rejected", 0.1)),
    (("Recycled", 0.5), ("Nurture", 0.3), ("Returned to Nurture", 0.15), ("recycled", 0.05)),
    (("Disqualified", 0.6), ("Unqualified", 0.3), ("DISQUALIFIED", 0.1)),
    (("Closed Lost", 0.65), ("Lost", 0.3), ("closed lost", 0.05)),
)
REASONS = {
    REJECTED: (
        "No budget",
        "Not a decision maker",
        "Wrong contact",
        "No response",
        "Existing customer",
        "Duplicate lead",
        "No project this year",
    ),
    RECYCLED: (
        "Not ready to buy",
        "Timing - revisit next quarter",
        "No response after 5 attempts",
        "Early stage research",
        "Budget next fiscal year",
    ),
    DISQUALIFIED: (
        "Company too small",
        "Out of territory",
        "No use case",
        "Spam or fake data",
        "Duplicate record",
    ),
    LOST: (
        "Price",
        "Lost to competitor",
        "No decision",
        "Timing",
        "Missing features",
        "Budget cut",
        "Went silent",
    ),
}
CONTEXT_REASONS = (
    "Student or job seeker",
    "Personal email - no company",
    "Company too small",
    "Competitor",
    "Student",
    "Returned to nurture after rejection",
)

# --------------------------------------------------------------------------------------------
# Activities
# --------------------------------------------------------------------------------------------

ACTIVITY_TYPES = (
    "email_open",
    "email_click",
    "page_view",
    "pricing_page_view",
    "content_download",
    "newsletter_signup",
    "webinar_registered",
    "webinar_attended",
    "demo_request",
    "free_trial_signup",
    "contact_form",
    "trade_show_visit",
    "unsubscribe",
    "email_bounce",
    "sales_call",
    "sales_email",
    "sales_meeting",
)
A = {name: i for i, name in enumerate(ACTIVITY_TYPES)}
NURTURE_MIX = {
    "email_open": 0.36,
    "email_click": 0.10,
    "page_view": 0.31,
    "pricing_page_view": 0.03,
    "content_download": 0.07,
    "newsletter_signup": 0.015,
    "webinar_registered": 0.035,
    "webinar_attended": 0.018,
    "demo_request": 0.002,
    "free_trial_signup": 0.002,
    "contact_form": 0.003,
    "trade_show_visit": 0.006,
    "unsubscribe": 0.006,
    "email_bounce": 0.008,
}
INTENT_MIX = {
    "page_view": 0.22,
    "pricing_page_view": 0.24,
    "email_click": 0.10,
    "email_open": 0.05,
    "content_download": 0.12,
    "webinar_registered": 0.05,
    "webinar_attended": 0.08,
    "demo_request": 0.05,
    "contact_form": 0.04,
    "free_trial_signup": 0.03,
    "trade_show_visit": 0.02,
}
# the activity that created the lead, per acquisition offer (unknown offer: a page view)
OFFER_ACTIVITY = (
    A["content_download"],
    A["content_download"],
    A["webinar_registered"],
    A["demo_request"],
    A["free_trial_signup"],
    A["contact_form"],
    A["trade_show_visit"],
    A["page_view"],
)
PAGES = (
    "/",
    "/product",
    "/product/features",
    "/product/integrations",
    "/solutions/marketing",
    "/solutions/sales",
    "/solutions/revops",
    "/customers",
    "/customers/northwind-logistics",
    "/blog/lead-scoring-101",
    "/blog/mql-vs-sql",
    "/blog/demand-waterfall",
    "/blog/speed-to-lead",
    "/blog/funnel-metrics",
    "/blog/attribution-models",
    "/docs/getting-started",
    "/docs/api",
    "/security",
    "/about",
    "/careers",
    "/integrations/salesforce",
    "/integrations/hubspot",
    "/events",
    "/resources",
    "/compare/alternatives",
)
PRICING_PAGES = ("/pricing", "/pricing/enterprise", "/pricing#faq")
CONTENT = (
    "The B2B Lead Scoring Playbook (ebook)",
    "State of Demand Generation 2025 (report)",
    "MQL to SQL: Closing the Gap (ebook)",
    "Revenue Operations Checklist",
    "Buyer's Guide to Marketing Automation",
    "ROI Calculator Template",
    "Speed-to-Lead Benchmark Report",
    "Account-Based Marketing Handbook (ebook)",
)
CASE_STUDIES = (
    "Customer Story: Northwind Logistics",
    "Customer Story: Globex Retail",
    "Customer Story: Contoso Bank",
    "Customer Story: Initech Software",
)
WEBINAR_TOPICS = (
    "Lead Scoring in Practice",
    "Building a Demand Waterfall",
    "SLA Design for SDR Teams",
    "Pipeline Forecasting",
    "Intent Data Deep Dive",
    "Live Product Tour",
    "Customer Panel",
    "Attribution Without Tears",
    "From MQL to Revenue",
    "RevOps Office Hours",
)
TRADE_SHOWS = (
    "SaaStr Annual",
    "Web Summit",
    "Dreamforce",
    "INBOUND",
    "B2B Marketing Expo",
    "MarTech Conference",
    "RevOps Summit",
    "SaaStr Europa",
    "Collision",
)
SALES_NOTES = {
    "sales_call": (
        "Connected - discovery booked",
        "Left voicemail",
        "No answer",
        "Connected - call back later",
        "Gatekeeper",
    ),
    "sales_email": ("Intro email", "Follow-up 1", "Follow-up 2", "Meeting recap", "Proposal sent"),
    "sales_meeting": (
        "Discovery meeting",
        "Product demo",
        "Technical deep dive",
        "Pricing discussion",
        "Negotiation",
    ),
}
OTHER_DETAILS = {
    "demo_request": ("/demo", "/demo/request"),
    "free_trial_signup": ("/trial/signup",),
    "contact_form": ("/contact", "/contact-sales"),
    "newsletter_signup": ("/newsletter",),
    "unsubscribe": ("all emails", "newsletter only"),
    "email_bounce": ("hard bounce", "soft bounce"),
}
FIXED_CAMPAIGNS = (
    "gads_brand",
    "gads_generic",
    "linkedin_abm",
    "meta_retargeting",
    "display_programmatic",
    "partner_co_marketing",
    "organic_content",
    "website_newsletter_form",
    "nurture_ebook_track",
    "nurture_trial_onboarding",
    "nurture_webinar_followup",
    "nurture_reengagement",
)
# utm campaign for paid/social/display/partner traffic, by lead_source (-1: none)
SOURCE_CAMPAIGN = (-1, 1, 2, -1, -1, -1, 5, -1, 4, -1)

HOUR_WEIGHTS_WORK = np.array(
    [
        0.3,
        0.2,
        0.15,
        0.1,
        0.1,
        0.2,
        0.6,
        1.5,
        3.5,
        5.0,
        5.5,
        5.2,
        4.2,
        4.8,
        5.2,
        5.0,
        4.4,
        3.4,
        2.2,
        1.6,
        1.4,
        1.2,
        0.9,
        0.6,
    ]
)
MONTH_SEASON = np.array([1.05, 1.05, 1.1, 1.05, 1.0, 0.95, 0.85, 0.75, 1.05, 1.15, 1.1, 0.8])
WEEKDAY_WEIGHTS = np.array([1.0, 1.05, 1.05, 1.0, 0.85, 0.3, 0.25])  # Monday .. Sunday

# timestamp text styles: naive UTC, 'T' + 'Z', local time with its UTC offset
TS_STYLE_WEIGHTS = (0.85, 0.12, 0.03)


class UsageError(Exception):
    """A bad argument combination; the message says what to do instead."""


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """What to generate and where to write it."""

    leads: int
    seed: int
    out: Path
    fmt: str = "csv"
    start: dt.date = DEFAULT_START
    end: dt.date = DEFAULT_END
    activities_per_lead: float = 20.0
    defects: bool = False
    landing_days: int | None = None
    file_prefix: str = ""

    @property
    def start_s(self) -> int:
        return _epoch(self.start)

    @property
    def end_s(self) -> int:
        """Last second of the creation window."""
        return _epoch(self.end) + DAY - 1

    @property
    def cutoff_s(self) -> int:
        """The moment the extract was taken: no event is later."""
        return self.end_s + GRACE_DAYS * DAY


def _epoch(day: dt.date) -> int:
    return int((day - dt.date(1970, 1, 1)).days) * DAY


# --------------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------------


def _cdf(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return c


def _draw(rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int) -> np.ndarray:
    """Categorical draw (index into weights) for `size` rows."""
    return np.searchsorted(_cdf(weights), rng.random(size), side="right").astype(np.int16)


def _draw_rows(rng: np.random.Generator, matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Categorical draw per row, each from its own row of a probability matrix."""
    cdf = np.cumsum(matrix / matrix.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    u = rng.random(rows.size)
    return (u[:, None] >= cdf[rows]).sum(axis=1).astype(np.int16)


def _lognormal_s(
    rng: np.random.Generator,
    median_s: float,
    sigma: float,
    size: int,
    low: int = MINUTE,
    high: int = 400 * DAY,
) -> np.ndarray:
    """Log-normal durations in whole seconds, clipped to [low, high]."""
    x = rng.lognormal(np.log(median_s), sigma, size)
    return np.clip(x, low, high).astype(np.int64)


def _trunc_exp_s(rng: np.random.Generator, mean_s: float, limit_s: np.ndarray) -> np.ndarray:
    """Exponential offsets with the given mean, truncated to [0, limit] (exactly, by inversion)."""
    limit = np.maximum(limit_s, 0).astype(np.float64)
    u = rng.random(limit.size)
    x = -mean_s * np.log1p(-u * -np.expm1(-limit / mean_s))
    return np.minimum(x, limit).astype(np.int64)


def _pick_exact(rng: np.random.Generator, logit: np.ndarray, share: float) -> np.ndarray:
    """Exactly round(share * n) rows, drawn without replacement with odds exp(logit)
    (Gumbel top-k): the step rate is exact, who converts still follows quality."""
    n = logit.size
    k = round(share * n)
    chosen = np.zeros(n, dtype=bool)
    if k <= 0:
        return chosen
    keys = logit - logit.mean() + rng.gumbel(size=n)
    chosen[np.argsort(-keys, kind="stable")[:k]] = True
    return chosen


def _weekday(day: np.ndarray) -> np.ndarray:
    """0 = Monday .. 6 = Sunday for days since 1970-01-01 (a Thursday)."""
    return (day + 3) % 7


def _diurnal(
    rng: np.random.Generator,
    t: np.ndarray,
    tz_s: np.ndarray,
    share: float,
    weekend_keep: float = 0.45,
) -> np.ndarray:
    """Re-draw the local time of day from office-hour weights for a share of events and move
    most weekend events to the following Monday (the caller keeps the result in bounds)."""
    n = t.size
    local = t + tz_s
    day = local // DAY
    apply = rng.random(n) < share
    dow = _weekday(day)
    move = apply & (dow >= 5) & (rng.random(n) >= weekend_keep)
    day = day + np.where(move, 7 - dow + rng.integers(0, 5, n), 0)
    hour = np.searchsorted(_cdf(HOUR_WEIGHTS_WORK), rng.random(n), side="right")
    sod = hour * HOUR + rng.integers(0, HOUR, n)
    return np.where(apply, day * DAY + sod, local) - tz_s


def _bounded(candidate: np.ndarray, t: np.ndarray, low: np.ndarray, high: np.ndarray | int):
    """Use the candidate time where it stays inside [low, high], else keep t."""
    return np.where((candidate >= low) & (candidate <= high), candidate, t)


def _office_forward(
    rng: np.random.Generator, t: np.ndarray, tz_s: np.ndarray, share: float
) -> np.ndarray:
    """Move a share of events outside office hours (Mon-Fri 08-18 local) forward to the next
    working morning: reps work office hours. Only ever moves later (order is preserved)."""
    n = t.size
    local = t + tz_s
    day = local // DAY
    sod = local - day * DAY
    dow = _weekday(day)
    outside = (dow >= 5) | (sod < 8 * HOUR) | (sod >= 18 * HOUR)
    shift = outside & (rng.random(n) < share)
    next_day = np.where((sod >= 18 * HOUR) | (dow >= 5), day + 1, day)
    nd = _weekday(next_day)
    next_day = next_day + np.where(nd == 5, 2, np.where(nd == 6, 1, 0))
    moved = next_day * DAY + 8 * HOUR + rng.integers(0, 3 * HOUR, n) - tz_s
    return np.where(shift, np.maximum(moved, t + 1), t)


def _in_office(t: np.ndarray, tz_s: np.ndarray) -> np.ndarray:
    local = t + tz_s
    day = local // DAY
    sod = local - day * DAY
    return (_weekday(day) < 5) & (sod >= 8 * HOUR) & (sod < 17 * HOUR)


def _spread(
    rng: np.random.Generator, counts: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`counts[i]` events uniformly in (start[i], end[i]]: (owner row index, time)."""
    owner = np.repeat(np.arange(counts.size), counts)
    span = np.maximum(end - start, 1)[owner]
    t = start[owner] + 1 + (rng.random(owner.size) * span).astype(np.int64)
    return owner, t


def _slug(text: str) -> str:
    """ASCII, lower case, letters and digits only (for e-mail addresses and domains)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _month_index(t: np.ndarray, first_month: int) -> np.ndarray:
    """Months since `first_month` (months since 1970) for epoch seconds."""
    days = t // DAY
    cal = _Calendar.spanning(days)
    return cal.months[cal.index(days)] - first_month


# --------------------------------------------------------------------------------------------
# Text rendering (vectorised: digits written into byte matrices)
# --------------------------------------------------------------------------------------------


def _put_digits(buf: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    v = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        buf[:, col + k] = 48 + v % 10
        v = v // 10


def _matrix_to_strings(buf: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Rows of a uint8 matrix, each cut to its length, as an Arrow string array."""
    n = buf.shape[0]
    if n and lengths.min() == buf.shape[1]:
        data = np.ascontiguousarray(buf).ravel()
    else:
        data = np.ascontiguousarray(buf[np.arange(buf.shape[1]) < lengths[:, None]])
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded number, e.g. L0000042."""
    n = numbers.size
    width = max(width, len(str(int(numbers.max()))) if n else width)
    buf = np.empty((n, 1 + width), dtype=np.uint8)
    buf[:, 0] = ord(prefix)
    _put_digits(buf, 1, numbers, width)
    return _matrix_to_strings(buf, np.full(n, 1 + width, dtype=np.int64))


@dataclass(frozen=True)
class _Calendar:
    """Lookup tables for the days first_day..last_day: date text, month since 1970, month."""

    first_day: int
    date_text: np.ndarray  # (days, 10) uint8: YYYY-MM-DD
    months: np.ndarray  # months since 1970-01
    month: np.ndarray  # 1..12

    @classmethod
    def spanning(cls, days: np.ndarray) -> _Calendar:
        lo, hi = (int(days.min()), int(days.max())) if days.size else (0, 0)
        d64 = np.arange(lo, hi + 1).astype("datetime64[D]")
        months = d64.astype("datetime64[M]")
        year = months.astype("datetime64[Y]").astype(np.int64) + 1970
        month = months.astype(np.int64) % 12 + 1
        dom = (d64 - months.astype("datetime64[D]")).astype(np.int64) + 1
        text = np.empty((d64.size, 10), dtype=np.uint8)
        _put_digits(text, 0, year, 4)
        text[:, 4] = text[:, 7] = ord("-")
        _put_digits(text, 5, month, 2)
        _put_digits(text, 8, dom, 2)
        return cls(lo, text, months.astype(np.int64), month)

    def index(self, days: np.ndarray) -> np.ndarray:
        return days - self.first_day


def _clock_table() -> np.ndarray:
    """(86400, 8) uint8: HH:MM:SS for every second of the day."""
    sod = np.arange(DAY)
    table = np.empty((DAY, 8), dtype=np.uint8)
    _put_digits(table, 0, sod // HOUR, 2)
    table[:, 2] = table[:, 5] = ord(":")
    _put_digits(table, 3, sod // MINUTE % 60, 2)
    _put_digits(table, 6, sod % 60, 2)
    return table


_CLOCK = _clock_table()


def month_of(t: np.ndarray) -> np.ndarray:
    """Calendar month (1..12) of epoch seconds (UTC)."""
    days = t // DAY
    cal = _Calendar.spanning(days)
    return cal.month[cal.index(days)]


def format_timestamps(t: np.ndarray, style: np.ndarray, offset_min: np.ndarray) -> pa.Array:
    """ISO 8601 text: style 0 `YYYY-MM-DD HH:MM:SS` (UTC), 1 `YYYY-MM-DDTHH:MM:SSZ`, 2 local
    time `YYYY-MM-DDTHH:MM:SS+HH:MM` (the local clock shifted by the offset: same instant)."""
    n = t.size
    off = np.where(style == 2, offset_min, 0).astype(np.int64)
    local = t.astype(np.int64) + off * MINUTE
    days = local // DAY
    cal = _Calendar.spanning(days)
    buf = np.empty((n, 25), dtype=np.uint8)
    buf[:, :10] = cal.date_text[cal.index(days)]
    buf[:, 10] = np.where(style == 0, ord(" "), ord("T"))
    buf[:, 11:19] = _CLOCK[local - days * DAY]
    offset = style == 2
    buf[:, 19] = np.where(style == 1, ord("Z"), np.where(off < 0, ord("-"), ord("+")))
    if offset.any():
        hhmm = np.abs(off[offset])
        buf[offset, 20:25] = _CLOCK[hhmm * MINUTE][:, 0:5]
    lengths = np.where(style == 0, 19, np.where(style == 1, 20, 25))
    return _matrix_to_strings(buf, lengths)


def naive_timestamp(t: int) -> str:
    """One UTC instant as naive `YYYY-MM-DD HH:MM:SS` text."""
    return dt.datetime.fromtimestamp(int(t), dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _take(catalogue: pa.Array, index: np.ndarray) -> pa.Array:
    """catalogue[index] as strings; a negative index gives null."""
    idx = pa.array(np.maximum(index, 0).astype(np.int32), mask=index < 0)
    return pc.take(catalogue, idx)


def _int_text(values: np.ndarray, missing: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.int64), mask=missing).cast(pa.string())


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


# --------------------------------------------------------------------------------------------
# Generated tables: numeric columns + a renderer to text
# --------------------------------------------------------------------------------------------


@dataclass
class RawTable:
    """One raw table: `size` generated rows (rendered to text chunk by chunk), overrides of
    single cells (defects) and extra text rows appended at the end (defects)."""

    name: str
    columns: tuple[str, ...]
    size: int
    render_rows: Callable[[np.ndarray], dict[str, pa.Array]]
    landing_day: np.ndarray
    overrides: dict[str, dict[int, str | None]] = field(default_factory=dict)
    extra_rows: list[dict[str, str | None]] = field(default_factory=list)

    def render(self, rows: np.ndarray) -> pa.Table:
        arrays = self.render_rows(rows)
        for column, cells in self.overrides.items():
            hits = [(pos, value) for pos, value in cells.items() if np.any(rows == pos)]
            if not hits:
                continue
            where = {int(np.flatnonzero(rows == pos)[0]): value for pos, value in hits}
            mask = np.zeros(rows.size, dtype=bool)
            mask[list(where)] = True
            replacement = pa.array([where[i] for i in sorted(where)], type=pa.string())
            arrays[column] = pc.replace_with_mask(arrays[column], pa.array(mask), replacement)
        return pa.table([arrays[c] for c in self.columns], names=list(self.columns))

    def render_extra(self) -> pa.Table:
        data = {c: pa.array([r.get(c) for r in self.extra_rows], pa.string()) for c in self.columns}
        return pa.table(data)

    def row(self, position: int) -> dict[str, str | None]:
        return self.render(np.array([position])).to_pylist()[0]

    @property
    def total_rows(self) -> int:
        return self.size + len(self.extra_rows)


@dataclass
class Defect:
    table: str
    key: str
    defect: str


@dataclass
class Dataset:
    leads: RawTable
    activities: RawTable
    stage_changes: RawTable
    defects: list[Defect] = field(default_factory=list)

    def tables(self) -> tuple[RawTable, RawTable, RawTable]:
        return (self.leads, self.activities, self.stage_changes)


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------


@dataclass
class Leads:
    """Per-lead arrays, sorted by created_at (lead i has id i + 1)."""

    created: np.ndarray
    country: np.ndarray
    tz_min: np.ndarray
    company: np.ndarray
    source: np.ndarray
    offer: np.ndarray
    title: np.ndarray
    title_band: np.ndarray
    email_kind: np.ndarray
    first: np.ndarray
    last: np.ndarray
    quality: np.ndarray
    rep: np.ndarray
    extras: dict[str, np.ndarray]

    @property
    def tz_s(self) -> np.ndarray:
        return self.tz_min.astype(np.int64) * MINUTE


@dataclass
class Companies:
    root: np.ndarray
    noun: np.ndarray
    legal: np.ndarray
    industry: np.ndarray
    country: np.ndarray
    size: np.ndarray
    tld: np.ndarray


class _Rows:
    """Accumulates event rows from vectorised steps; concatenated once at the end."""

    def __init__(self, *fields_: str) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in fields_}

    def add(self, **columns: np.ndarray | int) -> None:
        sizes = [np.size(v) for v in columns.values() if np.ndim(v) > 0]
        size = max(sizes) if sizes else 1
        for name in self.parts:
            value = columns.get(name, -1)
            arr = np.asarray(value)
            self.parts[name].append(np.broadcast_to(arr, (size,)) if arr.ndim == 0 else arr)

    def concat(self) -> dict[str, np.ndarray]:
        return {
            name: np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
            for name, parts in self.parts.items()
        }


def _companies(rng: np.random.Generator, n_leads: int) -> Companies:
    m = int(min(max(n_leads // 3, 50), 250_000))
    industry = _draw(rng, [w for _, w, _ in INDUSTRIES], m)
    noun_counts = np.array([len(nouns) for _, _, nouns in INDUSTRIES])
    noun_offsets = np.concatenate([[0], np.cumsum(noun_counts)[:-1]])
    noun = noun_offsets[industry] + (rng.random(m) * noun_counts[industry]).astype(np.int64)
    country = _draw(rng, [c[1] for c in COUNTRIES], m)
    legal_counts = np.array([len(c[7]) for c in COUNTRIES])
    legal_offsets = np.concatenate([[0], np.cumsum(legal_counts)[:-1]])
    legal = legal_offsets[country] + (rng.random(m) * legal_counts[country]).astype(np.int64)
    public_sector = np.isin(industry, [5, 6])
    legal = np.where((rng.random(m) < 0.45) & ~public_sector, legal, -1)
    size = np.clip(np.rint(rng.lognormal(np.log(120), 1.9, m)), 1, 50_000).astype(np.int64)
    size = np.where(industry == 6, np.maximum(size, 200), size)  # governments are not tiny
    # TLD: 0 the country's, 1 .com, 2 .io (software), 3 .gov / .edu (public sector)
    tld = np.where(rng.random(m) < 0.6, 0, 1)
    tld = np.where((industry == 0) & (rng.random(m) < 0.25), 2, tld)
    tld = np.where(public_sector & (country == 0), 3, tld)
    root = (rng.random(m) * len(COMPANY_ROOTS)).astype(np.int64)
    return Companies(root, noun, legal, industry, country, size, tld)


def _creation_times(rng: np.random.Generator, cfg: Config, tz_s: np.ndarray) -> np.ndarray:
    n = tz_s.size
    first_day, last_day = cfg.start_s // DAY, cfg.end_s // DAY
    days = np.arange(first_day, last_day + 1)
    d64 = days.astype("datetime64[D]")
    month = d64.astype("datetime64[M]").astype(np.int64) % 12
    dom = (d64 - d64.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    trend = 1.0 + 0.6 * (days - first_day) / max(last_day - first_day, 1)
    holidays = np.where(((month == 11) & (dom >= 23)) | ((month == 0) & (dom <= 2)), 0.35, 1.0)
    weight = trend * MONTH_SEASON[month] * WEEKDAY_WEIGHTS[_weekday(days)] * holidays
    day = days[np.searchsorted(_cdf(weight), rng.random(n), side="right")]
    hour = np.searchsorted(_cdf(HOUR_WEIGHTS_WORK), rng.random(n), side="right")
    local = day * DAY + hour * HOUR + rng.integers(0, HOUR, n)
    return np.clip(local - tz_s, cfg.start_s, cfg.end_s)


def _simulate_leads(rng: np.random.Generator, cfg: Config, co: Companies) -> Leads:
    n = cfg.leads
    m = co.size.size
    company = np.minimum((m * rng.random(n) ** 1.6).astype(np.int64), m - 1)
    country = co.country[company].astype(np.int64)
    std_offset = np.array([c[4] for c in COUNTRIES])
    tz_min = std_offset[country]
    is_us = country == 0
    tz_min = np.where(is_us, np.array(US_OFFSETS)[_draw(rng, US_OFFSET_WEIGHTS, n)], tz_min)
    tz_s = tz_min.astype(np.int64) * MINUTE

    source = _draw(rng, SOURCE_WEIGHTS, n).astype(np.int64)
    source = np.where(rng.random(n) < SOURCE_MISSING, -1, source)
    offer = _draw_rows(rng, OFFER_BY_SOURCE, np.where(source < 0, 10, source)).astype(np.int64)
    offer = np.where(rng.random(n) < OFFER_MISSING, -1, offer)

    band = _draw(rng, [b[1] for b in TITLE_BANDS], n).astype(np.int64)
    size = co.size[company]
    small = size <= 10
    band = np.where(small & (rng.random(n) < 0.3), 0, band)  # founders of small firms
    title_counts = np.array([len(b[3]) for b in TITLE_BANDS])
    title_offsets = np.concatenate([[0], np.cumsum(title_counts)[:-1]])
    title = title_offsets[band] + (rng.random(n) * title_counts[band]).astype(np.int64)
    title = np.where(rng.random(n) < TITLE_MISSING, -1, title)

    student = band == 7
    u = rng.random(n)
    email_kind = np.where(u < 0.17, 1, 0)
    email_kind = np.where(student, np.where(u < 0.5, 2, np.where(u < 0.9, 1, 0)), email_kind)
    email_kind = np.where(rng.random(n) < 0.003, 3, email_kind)

    region = np.array([c[2] for c in COUNTRIES])[country]
    region = np.where(rng.random(n) < 0.25, (rng.random(n) * 5).astype(np.int64), region)
    first_counts = np.array([len(r) for r in FIRST_NAMES])
    last_counts = np.array([len(r) for r in LAST_NAMES])
    first = np.concatenate([[0], np.cumsum(first_counts)[:-1]])[region] + (
        rng.random(n) * first_counts[region]
    ).astype(np.int64)
    last = np.concatenate([[0], np.cumsum(last_counts)[:-1]])[region] + (
        rng.random(n) * last_counts[region]
    ).astype(np.int64)

    # latent quality (log-odds scale): offer, channel, seniority, size, e-mail kind, noise
    band_effect = np.array([b[2] for b in TITLE_BANDS])[band]
    band_effect = np.where(title < 0, TITLE_MISSING_EFFECT, band_effect)
    size_effect = np.select([size <= 10, size <= 50, size <= 1000], [-0.6, -0.2, 0.2], 0.1)
    quality = (
        np.where(offer >= 0, np.array(OFFER_EFFECT)[np.maximum(offer, 0)], -0.3)
        + np.where(source >= 0, np.array(SOURCE_EFFECT)[np.maximum(source, 0)], -0.2)
        + band_effect
        + size_effect
        + np.array(EMAIL_KIND_EFFECT)[email_kind]
        + rng.normal(0.0, 0.7, n)
    )

    sales_region = np.array(
        [list(REGION_REPS).index(COUNTRY_SALES_REGION.get(c[0], "emea")) for c in COUNTRIES]
    )[country]
    lo = np.array([r[0] for r in REGION_REPS.values()])[sales_region]
    hi = np.array([r[1] for r in REGION_REPS.values()])[sales_region]
    rep = lo + (rng.random(n) * (hi - lo)).astype(np.int64)

    created = _creation_times(rng, cfg, tz_s)
    extras = {
        "email_pattern": _draw(rng, [0.6, 0.2, 0.08, 0.07, 0.05], n).astype(np.int64),
        "email_number": rng.integers(1, 99, n),
        "email_case": _draw(rng, [0.97, 0.02, 0.01], n).astype(np.int64),
        "free_mail": _draw(rng, FREE_MAIL_WEIGHTS, n).astype(np.int64),
        "edu": (rng.random(n) * len(EDU_DOMAINS)).astype(np.int64),
        "phone_style": np.where(rng.random(n) < 0.45, -1, _draw(rng, [0.7, 0.2, 0.1], n)),
        "phone_area": rng.integers(200, 999, n),
        "phone_line": rng.integers(0, 10_000, n),
        "missing": rng.random((n, 6)),  # first, last, email, size, industry, country
        "variant": rng.random((n, 3)),  # industry / country / source spelling variants
        "owner_anyway": rng.random(n) < 0.4,
        "ts_style": _draw(rng, TS_STYLE_WEIGHTS, n).astype(np.int64),
    }
    order = np.argsort(created, kind="stable")
    leads = Leads(
        created=created[order],
        country=country[order],
        tz_min=tz_min[order],
        company=company[order],
        source=source[order],
        offer=offer[order],
        title=title[order],
        title_band=band[order],
        email_kind=email_kind[order],
        first=first[order],
        last=last[order],
        quality=quality[order],
        rep=rep[order],
        extras={k: v[order] for k, v in extras.items()},
    )
    return leads


@dataclass
class MqlEntries:
    """One row per MQL entry (first and re-MQL), for sales activities."""

    lead: np.ndarray
    t_mql: np.ndarray
    t_low: np.ndarray  # earliest time of the burst of intent before the MQL
    rep: np.ndarray
    t_touch: np.ndarray  # -1: never touched
    t_dec: np.ndarray  # -1: pending
    accepted: np.ndarray
    t_sql: np.ndarray
    t_opp: np.ndarray
    t_close: np.ndarray


class FunnelSimulator:
    """Stage changes for all leads, step by step, as vectorised cohorts."""

    ACCEPT_SHARE = (0.50, 0.45)  # first MQL, re-MQL
    SAL_TO_SQL = 0.58
    SKIP_SAL = 0.08
    SQL_TO_OPP = 0.52
    OPP_WIN = 0.28
    OPP_LOST = 0.62
    RE_MQL = 0.30
    LEAD_TO_MQL = 0.26
    DIRECT_OPP = 0.004

    def __init__(self, rng: np.random.Generator, leads: Leads, co: Companies) -> None:
        self.rng = rng
        self.leads = leads
        self.co = co
        self.stage = _Rows("lead", "code", "t", "owner", "reason", "amount")
        self.entries: list[dict[str, np.ndarray]] = []
        n = leads.created.size
        size = co.size[leads.company]
        amount = rng.lognormal(np.log(18_000), 0.7, n) * (size / 100.0) ** 0.22
        self.amount = (np.clip(amount, 1_500, 1_500_000) / 100).round().astype(np.int64) * 100

    # -- helpers ---------------------------------------------------------------------------

    def _reasons(self, code: int, lead: np.ndarray) -> np.ndarray:
        """Reason index into the flat reason catalogue; 10% left empty."""
        rng = self.rng
        base = _REASON_OFFSETS[code]
        count = len(REASONS[code])
        reason = base + (rng.random(lead.size) * count).astype(np.int64)
        if code in (REJECTED, DISQUALIFIED):
            student = self.leads.title_band[lead] == 7
            free = self.leads.email_kind[lead] == 1
            tiny = self.co.size[self.leads.company[lead]] <= 10
            ctx = _CONTEXT_OFFSET
            pick = rng.random(lead.size)
            reason = np.where(tiny & (pick < 0.5), ctx + 2, reason)
            reason = np.where(free & (pick < 0.5), ctx + 1, reason)
            reason = np.where(student, ctx + (0 if code == REJECTED else 4), reason)
            reason = np.where(self.leads.email_kind[lead] == 3, ctx + 3, reason)
        return np.where(rng.random(lead.size) < 0.1, -1, reason)

    def _add(
        self,
        code: int,
        lead: np.ndarray,
        t: np.ndarray,
        owner: np.ndarray | int = -1,
        reason: bool = False,
        amount: np.ndarray | int = -1,
    ) -> None:
        if lead.size == 0:
            return
        reasons = self._reasons(code, lead) if reason else -1
        self.stage.add(lead=lead, code=code, t=t, owner=owner, reason=reasons, amount=amount)

    def _close_opportunities(
        self, lead: np.ndarray, t_opp: np.ndarray, rep: np.ndarray, win_share: float
    ) -> np.ndarray:
        rng = self.rng
        q = self.leads.quality[lead]
        won = _pick_exact(rng, q, win_share)
        lost = ~won & (rng.random(lead.size) < self.OPP_LOST / (1 - win_share))
        tz = self.leads.tz_s[lead]
        t_close = _office_forward(
            rng, t_opp + _lognormal_s(rng, 40 * DAY, 0.6, lead.size, low=3 * DAY), tz, 0.9
        )
        deal = self.amount[lead]
        final = (deal * rng.uniform(0.85, 1.0, lead.size) / 100).round().astype(np.int64) * 100
        self._add(OPP, lead, t_opp, rep, amount=deal)
        self._add(CUSTOMER, lead[won], t_close[won], rep[won], amount=final[won])
        self._add(LOST, lead[lost], t_close[lost], rep[lost], reason=True)
        return np.where(won | lost, t_close, -1)

    # -- steps -----------------------------------------------------------------------------

    def run(self) -> None:
        rng, le = self.rng, self.leads
        n = le.created.size
        tz = le.tz_s
        # an explicit "Lead" / "New" row at creation for a share of leads
        explicit = np.flatnonzero(rng.random(n) < 0.35)
        self._add(LEAD, explicit, le.created[explicit])

        # partner deal registrations / inbound enterprise deals: straight to opportunity
        direct_odds = np.where(np.isin(le.source, [4, 6]), 6.0, 1.0)
        direct = rng.random(n) < self.DIRECT_OPP * direct_odds / direct_odds.mean()
        d_idx = np.flatnonzero(direct)
        t_opp = _office_forward(
            rng, le.created[d_idx] + _lognormal_s(rng, 4 * DAY, 0.8, d_idx.size), tz[d_idx], 0.9
        )
        self._close_opportunities(d_idx, t_opp, le.rep[d_idx], 0.35)

        # lead -> MQL: the best leads by quality (exact share), after a lag
        candidates = np.flatnonzero(~direct)
        q = le.quality[candidates]
        mql = candidates[_pick_exact(rng, q, self.LEAD_TO_MQL)]
        high_intent = np.isin(le.offer[mql], [3, 4, 5])
        instant = high_intent & (rng.random(mql.size) < 0.7)
        lag = np.where(
            instant,
            rng.integers(30, 15 * MINUTE, mql.size),
            _lognormal_s(rng, 10 * DAY, 1.0, mql.size, low=HOUR, high=300 * DAY),
        )
        t_mql = le.created[mql] + lag
        t_mql = _bounded(
            _diurnal(rng, t_mql, tz[mql], 0.6), t_mql, le.created[mql] + 30, t_mql + 3 * DAY
        )

        # junk leads that never became MQL: disqualified by marketing operations
        not_mql = np.ones(n, dtype=bool)
        not_mql[mql] = False
        not_mql[d_idx] = False
        junk = (le.title_band == 7) | np.isin(le.email_kind, [2, 3])
        dq = np.flatnonzero(not_mql & ((junk & (rng.random(n) < 0.35)) | (rng.random(n) < 0.015)))
        t_dq = le.created[dq] + _lognormal_s(rng, 2 * DAY, 1.0, dq.size, low=HOUR)
        self._add(DISQUALIFIED, dq, _office_forward(rng, t_dq, tz[dq], 0.8), reason=True)

        recycled, t_rec = self._mql_cycle(mql, t_mql, le.created[mql], 0)
        # recycled leads: some come back as MQL months later
        back = _pick_exact(rng, le.quality[recycled], self.RE_MQL)
        again = recycled[back]
        t_again = t_rec[back] + rng.integers(20 * DAY, 240 * DAY, again.size)
        self._mql_cycle(again, t_again, t_rec[back] + DAY, 1)

    def _mql_cycle(
        self, lead: np.ndarray, t_mql: np.ndarray, t_low: np.ndarray, cycle: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """MQL entry -> first touch -> decision -> SAL/SQL/opportunity/close. Returns the
        leads recycled in this cycle and when."""
        rng, le = self.rng, self.leads
        m = lead.size
        tz = le.tz_s[lead]
        q = le.quality[lead]
        self._add(MQL, lead, t_mql)
        # the rep working the MQL: the lead's owner, sometimes a colleague (SDR pool)
        rep = np.where(rng.random(m) < 0.9, le.rep[lead], (rng.random(m) * len(REPS)))
        rep = rep.astype(np.int64)

        # decision: accept (SAL, or straight to SQL) / reject / recycle / disqualify / pending
        accept = _pick_exact(rng, q, self.ACCEPT_SHARE[cycle])
        other = _draw(rng, [0.42, 0.30, 0.13, 0.15], m)  # reject, recycle, disqualify, pending
        reject = ~accept & (other == 0)
        recycle = ~accept & (other == 1)
        disq = ~accept & (other == 2)

        # first sales touch: fast (within the hour) mostly in office hours, a long tail of
        # days, and never for some of the MQLs sales does not take
        office = _in_office(t_mql, tz)
        fast = rng.random(m) < np.where(office, 0.47, 0.10)
        never = ~fast & ~accept & (rng.random(m) < 0.3)
        slow = _office_forward(
            rng,
            t_mql + _lognormal_s(rng, 14 * HOUR, 1.0, m, low=HOUR + MINUTE, high=30 * DAY),
            tz,
            0.9,
        )
        t_touch = np.where(fast, t_mql + rng.integers(2 * MINUTE, 55 * MINUTE, m), slow)
        t_touch = np.where(never, -1, t_touch)

        kind = _draw(rng, [0.6, 0.3, 0.1], m)
        delay = np.choose(
            kind,
            [
                _lognormal_s(rng, 5 * HOUR, 0.9, m, low=10 * MINUTE, high=3 * DAY),
                rng.integers(DAY, 3 * DAY, m),
                _lognormal_s(rng, 6 * DAY, 0.6, m, low=3 * DAY, high=60 * DAY),
            ],
        )
        t_dec = t_mql + delay
        t_dec = np.where(
            t_touch >= 0, np.maximum(t_dec, t_touch + rng.integers(300, 3 * HOUR, m)), t_dec
        )
        t_dec = _office_forward(rng, t_dec, tz, 0.9)
        decided = accept | reject | recycle | disq

        skip_sal = accept & (rng.random(m) < self.SKIP_SAL)
        sal = accept & ~skip_sal
        self._add(SAL, lead[sal], t_dec[sal], rep[sal])
        self._add(REJECTED, lead[reject], t_dec[reject], rep[reject], reason=True)
        self._add(RECYCLED, lead[recycle], t_dec[recycle], rep[recycle], reason=True)
        self._add(DISQUALIFIED, lead[disq], t_dec[disq], rep[disq], reason=True)

        # rejected leads: marketing returns some of them to nurture a few days later
        back = reject & (rng.random(m) < 0.4)
        t_back = t_dec + rng.integers(HOUR, 7 * DAY, m)
        b = np.flatnonzero(back)
        self.stage.add(
            lead=lead[b],
            code=RECYCLED,
            t=t_back[b],
            owner=-1,
            reason=np.where(rng.random(b.size) < 0.5, _CONTEXT_OFFSET + 5, -1),
            amount=-1,
        )

        # SAL -> SQL (exact share by quality), or stalled: recycled / disqualified / open
        s_idx = np.flatnonzero(sal)
        to_sql = _pick_exact(rng, q[s_idx], self.SAL_TO_SQL)
        t_sql = np.full(m, -1, dtype=np.int64)
        t_sql[s_idx[to_sql]] = _office_forward(
            rng,
            t_dec[s_idx[to_sql]] + _lognormal_s(rng, 6 * DAY, 0.8, int(to_sql.sum())),
            tz[s_idx[to_sql]],
            0.9,
        )
        t_sql[skip_sal] = t_dec[skip_sal]
        sal_fate = np.full(m, -1)
        sal_fate[s_idx[~to_sql]] = _draw(rng, [0.45, 0.35, 0.20], int((~to_sql).sum()))
        t_stall = _office_forward(rng, t_dec + _lognormal_s(rng, 12 * DAY, 0.7, m), tz, 0.9)
        sal_rec, sal_dq = sal_fate == 0, sal_fate == 1
        self._add(RECYCLED, lead[sal_rec], t_stall[sal_rec], rep[sal_rec], reason=True)
        self._add(DISQUALIFIED, lead[sal_dq], t_stall[sal_dq], rep[sal_dq], reason=True)

        # SQL -> opportunity, or disqualified / recycled / open
        sql = t_sql >= 0
        self._add(SQL, lead[sql], t_sql[sql], rep[sql])
        q_idx = np.flatnonzero(sql)
        to_opp = _pick_exact(rng, q[q_idx], self.SQL_TO_OPP)
        o_idx = q_idx[to_opp]
        t_opp = np.full(m, -1, dtype=np.int64)
        t_opp[o_idx] = _office_forward(
            rng, t_sql[o_idx] + _lognormal_s(rng, 10 * DAY, 0.7, o_idx.size), tz[o_idx], 0.9
        )
        sql_fate = np.full(m, -1)
        sql_fate[q_idx[~to_opp]] = _draw(rng, [0.35, 0.45, 0.20], int((~to_opp).sum()))
        t_stall2 = _office_forward(rng, t_sql + _lognormal_s(rng, 14 * DAY, 0.7, m), tz, 0.9)
        sql_rec, sql_dq = sql_fate == 0, sql_fate == 1
        self._add(RECYCLED, lead[sql_rec], t_stall2[sql_rec], rep[sql_rec], reason=True)
        self._add(DISQUALIFIED, lead[sql_dq], t_stall2[sql_dq], rep[sql_dq], reason=True)

        t_close = np.full(m, -1, dtype=np.int64)
        t_close[o_idx] = self._close_opportunities(
            lead[o_idx], t_opp[o_idx], rep[o_idx], self.OPP_WIN
        )
        self.entries.append(
            {
                "lead": lead,
                "t_mql": t_mql,
                "t_low": t_low,
                "rep": rep,
                "t_touch": t_touch,
                "t_dec": np.where(decided, t_dec, -1),
                "accepted": accept,
                "t_sql": t_sql,
                "t_opp": t_opp,
                "t_close": t_close,
            }
        )
        rec_lead = np.concatenate([lead[recycle], lead[b], lead[sal_rec], lead[sql_rec]])
        rec_t = np.concatenate([t_dec[recycle], t_back[b], t_stall[sal_rec], t_stall2[sql_rec]])
        return rec_lead, rec_t

    def mql_entries(self) -> MqlEntries:
        cols = {k: np.concatenate([e[k] for e in self.entries]) for k in self.entries[0]}
        return MqlEntries(**cols)


_REASON_CATALOGUE: list[str] = []
_REASON_OFFSETS: dict[int, int] = {}
for _code, _texts in REASONS.items():
    _REASON_OFFSETS[_code] = len(_REASON_CATALOGUE)
    _REASON_CATALOGUE.extend(_texts)
_CONTEXT_OFFSET = len(_REASON_CATALOGUE)
_REASON_CATALOGUE.extend(CONTEXT_REASONS)


class ActivitySimulator:
    """Marketing and sales activities for all leads."""

    def __init__(
        self, rng: np.random.Generator, cfg: Config, leads: Leads, entries: MqlEntries
    ) -> None:
        self.rng = rng
        self.cfg = cfg
        self.leads = leads
        self.entries = entries
        self.rows = _Rows("lead", "type", "t", "owner")

    def run(self) -> dict[str, np.ndarray]:
        rng, le, en, cfg = self.rng, self.leads, self.entries, self.cfg
        n = le.created.size
        tz = le.tz_s
        cutoff = cfg.cutoff_s

        # the conversion that created the lead (form fill, sign-up, badge scan)
        offer_type = np.array(OFFER_ACTIVITY)[np.where(le.offer >= 0, le.offer, 7)]
        self.rows.add(lead=np.arange(n), type=offer_type, t=le.created)
        # webinar sign-ups: most attend the live session (16:00 UTC) 1-14 days later
        web = np.flatnonzero((le.offer == 2) & (rng.random(n) < 0.55))
        day = (le.created[web] + rng.integers(DAY, 14 * DAY, web.size)) // DAY
        self.rows.add(lead=web, type=A["webinar_attended"], t=day * DAY + 16 * HOUR)

        # intent burst before every MQL entry (the behaviour that made it an MQL)
        k = 2 + rng.poisson(4.0, en.lead.size)
        owner, _ = _spread(rng, k, en.t_low, en.t_mql)
        window = np.maximum(en.t_mql - en.t_low, 0)[owner]
        t = en.t_mql[owner] - _trunc_exp_s(rng, 2 * DAY, window)
        lead = en.lead[owner]
        t = _bounded(_diurnal(rng, t, tz[lead], 0.7), t, en.t_low[owner], en.t_mql[owner])
        self.rows.add(lead=lead, type=_draw(rng, list(INTENT_MIX.values()), lead.size), t=t)
        self._remap_last(INTENT_MIX)

        self._sales_touches()

        # nurture and background engagement over the lead's life: fills up to the target
        so_far = sum(p.size for p in self.rows.parts["lead"])
        engagement = rng.lognormal(0.0, 0.9, n)
        engagement[en.lead] *= 2.0
        budget = max(cfg.activities_per_lead * n - so_far, 0.0)
        counts = rng.poisson(engagement * budget / engagement.sum())
        owner = np.repeat(np.arange(n), counts)
        life = cutoff - le.created[owner]
        burst = rng.random(owner.size) < 0.35
        offset = np.where(
            burst,
            _trunc_exp_s(rng, 1.5 * DAY, life),
            _trunc_exp_s(rng, 150 * DAY, life),
        )
        t = le.created[owner] + offset
        t = _bounded(_diurnal(rng, t, tz[owner], 0.8), t, le.created[owner], cutoff)
        self.rows.add(lead=owner, type=_draw(rng, list(NURTURE_MIX.values()), owner.size), t=t)
        self._remap_last(NURTURE_MIX)

        out = self.rows.concat()
        keep = (out["t"] <= cutoff) & (out["t"] >= le.created[out["lead"]])
        return {k: v[keep] for k, v in out.items()}

    def _remap_last(self, mix: dict[str, float]) -> None:
        """The last added block drew indices into `mix`: turn them into activity types."""
        lut = np.array([A[name] for name in mix])
        self.rows.parts["type"][-1] = lut[self.rows.parts["type"][-1]]

    def _sales_touches(self) -> None:
        rng, le, en = self.rng, self.leads, self.entries
        tz = le.tz_s
        # first touch after the MQL
        touched = np.flatnonzero(en.t_touch >= 0)
        first_type = np.where(rng.random(touched.size) < 0.55, A["sales_call"], A["sales_email"])
        self.rows.add(
            lead=en.lead[touched], type=first_type, t=en.t_touch[touched], owner=en.rep[touched]
        )

        def follow_ups(
            mean: float, start: np.ndarray, end: np.ndarray, mix: Sequence[float], valid: np.ndarray
        ) -> None:
            counts = np.where(valid, rng.poisson(mean, en.lead.size), 0)
            owner, t = _spread(rng, counts, start, end)
            lead = en.lead[owner]
            t = _office_forward(rng, t, tz[lead], 0.92)
            types = np.array([A["sales_call"], A["sales_email"], A["sales_meeting"]])
            kind = types[_draw(rng, mix, owner.size)]
            colleague = rng.random(owner.size) < 0.1
            rep = np.where(
                colleague, (rng.random(owner.size) * len(REPS)).astype(np.int64), en.rep[owner]
            )
            self.rows.add(lead=lead, type=kind, t=t, owner=rep)

        start = np.where(en.t_touch >= 0, en.t_touch, en.t_mql)
        end = np.where(en.t_dec >= 0, en.t_dec, start + 10 * DAY)
        follow_ups(1.2, start, np.maximum(end, start + HOUR), [0.5, 0.5, 0.0], en.t_touch >= 0)
        sal_end = np.where(en.t_sql >= 0, en.t_sql, en.t_dec + 21 * DAY)
        follow_ups(
            2.0,
            en.t_dec,
            np.maximum(sal_end, en.t_dec + HOUR),
            [0.4, 0.4, 0.2],
            en.accepted & (en.t_dec >= 0),
        )
        sql_end = np.where(en.t_opp >= 0, en.t_opp, en.t_sql + 21 * DAY)
        follow_ups(
            2.0, en.t_sql, np.maximum(sql_end, en.t_sql + HOUR), [0.35, 0.35, 0.3], en.t_sql >= 0
        )
        opp_end = np.where(en.t_close >= 0, en.t_close, en.t_opp + 45 * DAY)
        follow_ups(
            4.0, en.t_opp, np.maximum(opp_end, en.t_opp + HOUR), [0.3, 0.3, 0.4], en.t_opp >= 0
        )


# --------------------------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------------------------


def _offset_minutes(t: np.ndarray, lead: np.ndarray, leads: Leads) -> np.ndarray:
    """The lead's local UTC offset at time t (standard offset + a simple DST rule)."""
    month = month_of(t)
    rule = np.array([c[5] for c in COUNTRIES])[leads.country[lead]]
    summer_north = (month >= 4) & (month <= 10)
    summer_south = (month >= 10) | (month <= 3)
    dst = np.where(rule == 1, summer_north, np.where(rule == 2, summer_south, False))
    return leads.tz_min[lead] + np.where(dst, 60, 0)


def _lead_renderer(leads: Leads, co: Companies) -> Callable[[np.ndarray], dict[str, pa.Array]]:
    first_names = pa.array([name for region in FIRST_NAMES for name in region])
    last_names = pa.array([name for region in LAST_NAMES for name in region])
    first_slugs = pa.array([_slug(name) for region in FIRST_NAMES for name in region])
    last_slugs = pa.array([_slug(name) for region in LAST_NAMES for name in region])
    titles = pa.array([t for band in TITLE_BANDS for t in band[3]])
    industries = pa.array([name for name, _, _ in INDUSTRIES])
    industry_labels = pa.array([name.replace("_", " ").title() for name, _, _ in INDUSTRIES])
    nouns = pa.array([noun for _, _, group in INDUSTRIES for noun in group])
    noun_slugs = pa.array([_slug(noun) for _, _, group in INDUSTRIES for noun in group])
    roots = pa.array(COMPANY_ROOTS)
    root_slugs = pa.array([_slug(r) for r in COMPANY_ROOTS])
    legal = pa.array([form for c in COUNTRIES for form in c[7]])
    countries = pa.array([c[0] for c in COUNTRIES])
    country_tlds = np.array([c[6] for c in COUNTRIES])
    phone_codes = pa.array(["+" + c[3] for c in COUNTRIES])
    free = pa.array(FREE_MAIL_DOMAINS)
    edu = pa.array(EDU_DOMAINS)
    sources = pa.array(LEAD_SOURCES)
    source_labels = pa.array([s if "_" in s else s.title() for s in LEAD_SOURCES])
    offers = pa.array(OFFERS)
    reps = pa.array(REPS)
    owner = np.where(leads.extras["owner_anyway"], leads.rep, -1)

    def render(rows: np.ndarray) -> dict[str, pa.Array]:
        x = {k: v[rows] for k, v in leads.extras.items()}
        comp = leads.company[rows]
        miss = x["missing"]
        variant = x["variant"]
        first_slug = _take(first_slugs, leads.first[rows])
        last_slug = _take(last_slugs, leads.last[rows])
        initial = pc.utf8_slice_codeunits(first_slug, 0, 1)
        number = _int_text(x["email_number"], np.zeros(rows.size, dtype=bool))
        local = pc.choose(
            pa.array(x["email_pattern"].astype(np.int8)),
            _join(first_slug, ".", last_slug),
            _join(initial, last_slug),
            first_slug,
            _join(first_slug, "_", last_slug),
            _join(first_slug, last_slug, number),
        )
        kind = leads.email_kind[rows]
        local = pc.if_else(
            pa.array((kind == 1) & (x["email_pattern"] < 4) & (x["email_number"] < 40)),
            _join(local, number),
            local,
        )
        c_country = co.country[comp]
        tld_text = np.where(
            co.tld[comp] == 0,
            country_tlds[c_country],
            np.where(
                co.tld[comp] == 2,
                ".io",
                np.where(
                    co.tld[comp] == 3, np.where(co.industry[comp] == 5, ".edu", ".gov"), ".com"
                ),
            ),
        )
        company_domain = _join(
            _take(root_slugs, co.root[comp]), _take(noun_slugs, co.noun[comp]), pa.array(tld_text)
        )
        domain = pc.choose(
            pa.array(kind.astype(np.int8)),
            company_domain,
            _take(free, x["free_mail"]),
            _take(edu, x["edu"]),
            pa.array(np.full(rows.size, COMPETITOR_DOMAIN)),
        )
        email = _join(local, "@", domain)
        case = x["email_case"]
        email = pc.if_else(pa.array(case == 1), pc.utf8_capitalize(email), email)
        email = pc.if_else(pa.array(case == 2), pc.utf8_upper(email), email)
        email = pc.if_else(pa.array(miss[:, 2] < 0.01), pa.scalar(None, pa.string()), email)

        company_name = _join(_take(roots, co.root[comp]), " ", _take(nouns, co.noun[comp]))
        legal_idx = co.legal[comp]
        company_name = pc.if_else(
            pa.array(legal_idx >= 0),
            _join(company_name, " ", _take(legal, legal_idx)),
            company_name,
        )
        size = co.size[comp]
        ind = co.industry[comp].astype(np.int64)
        industry = pc.if_else(
            pa.array(variant[:, 0] < 0.05), _take(industry_labels, ind), _take(industries, ind)
        )
        industry = pc.if_else(pa.array(miss[:, 4] < 0.04), pa.scalar(None, pa.string()), industry)
        country = _take(countries, leads.country[rows])
        country = pc.if_else(pa.array(variant[:, 1] < 0.01), pc.utf8_lower(country), country)
        country = pc.if_else(pa.array(miss[:, 5] < 0.02), pa.scalar(None, pa.string()), country)

        style = x["phone_style"]
        code = _take(phone_codes, leads.country[rows])
        area = _int_text(x["phone_area"], np.zeros(rows.size, dtype=bool))
        line = pc.utf8_lpad(_int_text(x["phone_line"], np.zeros(rows.size, dtype=bool)), 4, "0")
        spaced = _join(code, " ", area, " 555 ", line)
        compact = _join(code, area, "555", line)
        us_style = _join("(", area, ") 555-", line)
        phone = pc.choose(
            pa.array(np.maximum(style, 0).astype(np.int8)),
            spaced,
            compact,
            pc.if_else(pa.array(leads.country[rows] <= 1), us_style, spaced),
        )
        phone = pc.if_else(pa.array(style < 0), pa.scalar(None, pa.string()), phone)

        source = leads.source[rows]
        lead_source = pc.if_else(
            pa.array(variant[:, 2] < 0.01), _take(source_labels, source), _take(sources, source)
        )
        t = leads.created[rows]
        return {
            "lead_id": format_ids("L", rows + 1, LEAD_ID_WIDTH),
            "created_at": format_timestamps(t, x["ts_style"], _offset_minutes(t, rows, leads)),
            "email": email,
            "first_name": _take(first_names, np.where(miss[:, 0] < 0.01, -1, leads.first[rows])),
            "last_name": _take(last_names, np.where(miss[:, 1] < 0.015, -1, leads.last[rows])),
            "job_title": _take(titles, leads.title[rows]),
            "phone": phone,
            "company_name": company_name,
            "company_size": _int_text(size, miss[:, 3] < 0.03),
            "industry": industry,
            "country": country,
            "lead_source": lead_source,
            "acquisition_offer": _take(offers, leads.offer[rows]),
            "owner_id": _take(reps, owner[rows]),
        }

    return render


@dataclass
class _Catalogue:
    """A flat list of strings; named ranges inside it."""

    items: list[str] = field(default_factory=list)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, name: str, texts: Sequence[str]) -> None:
        self.ranges[name] = (len(self.items), len(texts))
        self.items.extend(texts)

    def pick(self, rng: np.random.Generator, name: str, size: int) -> np.ndarray:
        start, count = self.ranges[name]
        return start + (rng.random(size) * count).astype(np.int64)

    def at(self, name: str, index: np.ndarray) -> np.ndarray:
        start, count = self.ranges[name]
        return start + np.clip(index, 0, count - 1)


def _activity_columns(
    rng: np.random.Generator, cfg: Config, leads: Leads, acts: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], _Catalogue, _Catalogue]:
    """campaign, detail and duration for every activity (indices into catalogues)."""
    first_month = int(np.datetime64(cfg.start, "M").astype(np.int64))
    n_months = int(np.datetime64(cfg.end, "M").astype(np.int64)) - first_month + 2
    months = [np.datetime64(first_month, "M") + i for i in range(n_months)]
    ym = [str(mo) for mo in months]  # YYYY-MM

    details = _Catalogue()
    details.add("pages", PAGES)
    details.add("pricing", PRICING_PAGES)
    details.add("content", CONTENT)
    details.add("case", CASE_STUDIES)
    details.add(
        "webinar",
        [f"Webinar {m}: {WEBINAR_TOPICS[i % len(WEBINAR_TOPICS)]}" for i, m in enumerate(ym)],
    )
    details.add(
        "show", [f"{TRADE_SHOWS[i % len(TRADE_SHOWS)]} {m[:4]} booth" for i, m in enumerate(ym)]
    )
    details.add("newsletter", [f"Newsletter {m}" for m in ym])
    for name, texts in {**SALES_NOTES, **OTHER_DETAILS}.items():
        details.add(name, texts)

    campaigns = _Catalogue()
    campaigns.add("fixed", FIXED_CAMPAIGNS)
    campaigns.add("newsletter", [f"newsletter_{m.replace('-', '_')}" for m in ym])
    campaigns.add("webinar", [f"webinar_{m.replace('-', '_')}" for m in ym])
    campaigns.add(
        "event",
        [
            f"event_{m.replace('-', '_')}_{_slug(TRADE_SHOWS[i % len(TRADE_SHOWS)])}"
            for i, m in enumerate(ym)
        ],
    )
    quarters = sorted({f"promo_{m[:4]}_q{(int(m[5:]) - 1) // 3 + 1}" for m in ym})
    campaigns.add("promo", quarters)

    typ = acts["type"]
    lead = acts["lead"]
    n = typ.size
    detail = np.full(n, -1, dtype=np.int32)
    campaign = np.full(n, -1, dtype=np.int32)
    duration = np.full(n, -1, dtype=np.int32)
    fixed = campaigns.ranges["fixed"][0]
    source_utm = np.array([*SOURCE_CAMPAIGN, -1])  # index -1: unknown source
    # rows of each activity type (one stable pass), filled type by type on those rows only
    order = np.argsort(typ, kind="stable")
    bounds = np.searchsorted(typ[order], np.arange(len(ACTIVITY_TYPES) + 1))

    def rows_of(*names: str) -> np.ndarray:
        return np.sort(np.concatenate([order[bounds[A[x]] : bounds[A[x] + 1]] for x in names]))

    def month_at(rows: np.ndarray) -> np.ndarray:
        return _month_index(acts["t"][rows], first_month)

    def utm_at(rows: np.ndarray) -> np.ndarray:
        return source_utm[leads.source[lead[rows]]]

    # e-mail activities: monthly newsletter, a nurture track by offer, or the quarter's promo
    rows = rows_of("email_open", "email_click", "unsubscribe", "email_bounce")
    month = month_at(rows)
    quarter = (first_month + month) // 3 - first_month // 3
    offer = leads.offer[lead[rows]]
    track = np.select([offer == 0, offer == 4, offer == 2], [8, 9, 10], 11) + fixed
    which = rng.random(rows.size)
    campaign[rows] = np.where(
        which < 0.45,
        campaigns.at("newsletter", month),
        np.where(which < 0.8, track, campaigns.at("promo", quarter)),
    )
    rows = rows_of("email_open")
    detail[rows] = details.at("newsletter", month_at(rows))
    for name, catalogue in (
        ("email_click", "pages"),
        ("page_view", "pages"),
        ("pricing_page_view", "pricing"),
    ):
        rows = rows_of(name)
        detail[rows] = details.pick(rng, catalogue, rows.size)
    rows = rows_of("webinar_registered", "webinar_attended")
    campaign[rows] = campaigns.at("webinar", month_at(rows))
    detail[rows] = details.at("webinar", month_at(rows))
    rows = rows_of("trade_show_visit")
    campaign[rows] = campaigns.at("event", month_at(rows))
    detail[rows] = details.at("show", month_at(rows))
    rows = rows_of("content_download")
    case_study = (leads.offer[lead[rows]] == 1) & (rng.random(rows.size) < 0.6)
    detail[rows] = np.where(
        case_study, details.pick(rng, "case", rows.size), details.pick(rng, "content", rows.size)
    )
    utm = utm_at(rows)
    campaign[rows] = np.where(utm >= 0, fixed + utm, fixed + 6)
    rows = rows_of(
        "page_view", "pricing_page_view", "demo_request", "free_trial_signup", "contact_form"
    )
    utm = utm_at(rows)
    tracked = (utm >= 0) & (rng.random(rows.size) < 0.35)
    campaign[rows[tracked]] = fixed + utm[tracked]
    campaign[rows_of("newsletter_signup")] = fixed + 7
    for name in (*SALES_NOTES, *OTHER_DETAILS):
        rows = rows_of(name)
        detail[rows] = details.pick(rng, name, rows.size)

    # durations: seconds on page (some tracking gaps), minutes attended, call/meeting length
    rows = rows_of("page_view")
    seen = _lognormal_s(rng, 40, 1.0, rows.size, low=1, high=1800)
    duration[rows] = np.where(rng.random(rows.size) < 0.05, -1, seen)
    rows = rows_of("pricing_page_view")
    duration[rows] = _lognormal_s(rng, 75, 0.9, rows.size, low=2, high=1800)
    rows = rows_of("webinar_attended")
    duration[rows] = np.where(
        rng.random(rows.size) < 0.4,
        rng.integers(3000, 3601, rows.size),
        rng.integers(300, 3000, rows.size),
    )
    rows = rows_of("sales_call")
    duration[rows] = np.where(
        rng.random(rows.size) < 0.4,
        rng.integers(8, 60, rows.size),
        _lognormal_s(rng, 420, 0.7, rows.size, low=60, high=5400),
    )
    rows = rows_of("sales_meeting")
    duration[rows] = np.where(rng.random(rows.size) < 0.6, 1800, 3600) + rng.integers(
        -300, 600, rows.size
    )
    return {"campaign": campaign, "detail": detail, "duration": duration}, campaigns, details


def _activity_renderer(
    leads: Leads,
    acts: dict[str, np.ndarray],
    extra: dict[str, np.ndarray],
    campaigns: _Catalogue,
    details: _Catalogue,
    style: np.ndarray,
):
    types = pa.array(ACTIVITY_TYPES)
    reps = pa.array(REPS)
    campaign_text = pa.array(campaigns.items)
    detail_text = pa.array(details.items)

    def render(rows: np.ndarray) -> dict[str, pa.Array]:
        t = acts["t"][rows]
        lead = acts["lead"][rows]
        duration = extra["duration"][rows]
        return {
            "activity_id": format_ids("A", rows + 1, EVENT_ID_WIDTH),
            "lead_id": format_ids("L", lead + 1, LEAD_ID_WIDTH),
            "activity_type": _take(types, acts["type"][rows]),
            "occurred_at": format_timestamps(t, style[rows], _offset_minutes(t, lead, leads)),
            "owner_id": _take(reps, acts["owner"][rows]),
            "campaign": _take(campaign_text, extra["campaign"][rows]),
            "detail": _take(detail_text, extra["detail"][rows]),
            "duration_seconds": _int_text(duration, duration < 0),
        }

    return render


def _stage_renderer(
    leads: Leads,
    st: dict[str, np.ndarray],
    label: np.ndarray,
    decimals: np.ndarray,
    style: np.ndarray,
):
    labels = pa.array([text for group in STAGE_LABELS for text, _ in group])
    reps = pa.array(REPS)
    reasons = pa.array(_REASON_CATALOGUE)

    def render(rows: np.ndarray) -> dict[str, pa.Array]:
        t = st["t"][rows]
        lead = st["lead"][rows]
        amount = st["amount"][rows]
        amount_text = _int_text(amount, amount < 0)
        amount_text = pc.if_else(pa.array(decimals[rows]), _join(amount_text, ".00"), amount_text)
        return {
            "change_id": format_ids("S", rows + 1, EVENT_ID_WIDTH),
            "lead_id": format_ids("L", lead + 1, LEAD_ID_WIDTH),
            "stage": _take(labels, label[rows]),
            "changed_at": format_timestamps(t, style[rows], _offset_minutes(t, lead, leads)),
            "owner_id": _take(reps, st["owner"][rows]),
            "reason": _take(reasons, st["reason"][rows]),
            "amount": amount_text,
        }

    return render


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


def generate(cfg: Config) -> Dataset:
    """Simulate the three raw tables (deterministic for the config)."""
    rng = np.random.default_rng(cfg.seed)
    co = _companies(rng, cfg.leads)
    leads = _simulate_leads(rng, cfg, co)

    funnel = FunnelSimulator(rng, leads, co)
    funnel.run()
    st = funnel.stage.concat()
    keep = st["t"] <= cfg.cutoff_s
    st = {k: v[keep] for k, v in st.items()}
    order = np.argsort(st["t"], kind="stable")
    st = {k: v[order] for k, v in st.items()}
    entries = funnel.mql_entries()

    acts = ActivitySimulator(rng, cfg, leads, entries).run()
    order = np.argsort(acts["t"], kind="stable")
    acts = {k: v[order] for k, v in acts.items()}
    acts["lead"] = acts["lead"].astype(np.int32)
    acts["type"] = acts["type"].astype(np.int8)
    acts["owner"] = acts["owner"].astype(np.int8)
    extra, campaigns, details = _activity_columns(rng, cfg, leads, acts)
    extra = {
        "campaign": extra["campaign"].astype(np.int32),
        "detail": extra["detail"].astype(np.int32),
        "duration": extra["duration"].astype(np.int32),
    }

    # owner on the lead record: the rep working it once it was an MQL or an opportunity
    worked = np.zeros(leads.created.size, dtype=bool)
    worked[st["lead"][np.isin(st["code"], [MQL, OPP])]] = True
    leads.extras["owner_anyway"] = leads.extras["owner_anyway"] | worked

    # stage labels (synonyms, letter case), amount formatting, timestamp text styles
    label_offsets = np.cumsum([0] + [len(g) for g in STAGE_LABELS])[:-1]
    label = np.zeros(st["code"].size, dtype=np.int64)
    for code, group in enumerate(STAGE_LABELS):
        rows = np.flatnonzero(st["code"] == code)
        label[rows] = label_offsets[code] + _draw(rng, [w for _, w in group], rows.size)
    decimals = rng.random(st["code"].size) < 0.1
    stage_style = _draw(rng, TS_STYLE_WEIGHTS, st["code"].size).astype(np.int8)
    act_style = _draw(rng, TS_STYLE_WEIGHTS, acts["t"].size).astype(np.int8)

    data = Dataset(
        leads=RawTable(
            "leads",
            LEAD_COLUMNS,
            leads.created.size,
            _lead_renderer(leads, co),
            leads.created // DAY,
        ),
        activities=RawTable(
            "activities",
            ACTIVITY_COLUMNS,
            acts["t"].size,
            _activity_renderer(leads, acts, extra, campaigns, details, act_style),
            acts["t"] // DAY,
        ),
        stage_changes=RawTable(
            "stage_changes",
            STAGE_COLUMNS,
            st["t"].size,
            _stage_renderer(leads, st, label, decimals, stage_style),
            st["t"] // DAY,
        ),
    )
    if cfg.defects:
        _inject_defects(data, cfg, leads, acts, extra["duration"], st)
    return data


# --------------------------------------------------------------------------------------------
# Defects (SPEC section 8)
# --------------------------------------------------------------------------------------------


def _first_at_or_after(mask: np.ndarray, start: int) -> int:
    hits = np.flatnonzero(mask[start:])
    if hits.size == 0:
        hits = np.flatnonzero(mask)
        if hits.size == 0:
            raise UsageError("too few rows to inject --defects; use more --leads")
        return int(hits[0])
    return start + int(hits[0])


def _inject_defects(
    data: Dataset,
    cfg: Config,
    leads: Leads,
    acts: dict[str, np.ndarray],
    duration: np.ndarray,
    st: dict[str, np.ndarray],
) -> None:
    """Append or mutate a handful of rows with realistic data-quality defects, at positions
    derived from the data (deterministic), and record which key holds which defect."""
    log = data.defects
    L, Ac, S = data.leads, data.activities, data.stage_changes
    n, m, k = L.size, Ac.size, S.size
    lead_id = lambda i: "L" + str(i + 1).zfill(LEAD_ID_WIDTH)  # noqa: E731
    act_id = lambda i: "A" + str(i + 1).zfill(EVENT_ID_WIDTH)  # noqa: E731
    stage_id = lambda i: "S" + str(i + 1).zfill(EVENT_ID_WIDTH)  # noqa: E731
    unknown_lead = "L" + "9" * max(LEAD_ID_WIDTH, len(str(n + 10)))
    # a valid, quiet moment inside the data for appended rows
    mid = int(leads.created[n // 2])

    def at(fraction: float, size: int) -> int:
        return min(int(size * fraction), size - 1)

    # ---- leads -------------------------------------------------------------------------
    i = at(0.05, n)
    L.extra_rows.append(L.row(i))
    log.append(Defect("leads", lead_id(i), "exact duplicate delivery (row appended twice)"))

    i = at(0.15, n)
    row = L.row(i)
    row["job_title"] = "Head of Operations" if row["job_title"] != "Head of Operations" else "COO"
    row["phone"] = "+1 555 010 0199"
    L.extra_rows.append(row)
    log.append(
        Defect(
            "leads",
            lead_id(i),
            "conflicting duplicate key: second row with another "
            "job_title and phone, same created_at",
        )
    )

    row = L.row(at(0.55, n))
    row["lead_id"] = None
    row["email"] = "no.key@" + (row["email"] or "x@acme.com").split("@")[-1]
    L.extra_rows.append(row)
    log.append(Defect("leads", "(empty)", "missing key: lead_id empty"))

    extra_lead = n
    for bad_value, what in (
        (f"{cfg.end.year}-13-45 09:30:00", "unparseable timestamp created_at"),
        (None, "missing required timestamp: created_at empty"),
        ("2099-01-01 00:00:00", "junk future created_at 2099-01-01"),
    ):
        row = L.row(at(0.6 + 0.05 * (extra_lead - n), n))
        row["lead_id"] = lead_id(extra_lead)
        row["created_at"] = bad_value
        L.extra_rows.append(row)
        shown = what if bad_value is None else f"{what} ({bad_value!r})"
        log.append(Defect("leads", lead_id(extra_lead), shown))
        extra_lead += 1

    has_email = np.ones(n, dtype=bool)
    has_email &= leads.extras["missing"][:, 2] >= 0.01
    for fraction, value in ((0.25, "john.doe@@example"), (0.35, "no-at-sign")):
        i = _first_at_or_after(has_email, at(fraction, n))
        L.overrides.setdefault("email", {})[i] = value
        log.append(Defect("leads", lead_id(i), f"malformed email {value!r} (field issue)"))
    i = _first_at_or_after(leads.extras["missing"][:, 3] >= 0.03, at(0.45, n))
    L.overrides.setdefault("company_size", {})[i] = "fifty"
    log.append(Defect("leads", lead_id(i), "unparseable company_size 'fifty' (field issue)"))

    # ---- activities --------------------------------------------------------------------
    for fraction in (0.2, 0.5, 0.8):
        j = at(fraction, m)
        Ac.extra_rows.append(Ac.row(j))
        log.append(Defect("activities", act_id(j), "exact duplicate delivery (row appended twice)"))

    j = at(0.3, m)
    row = Ac.row(j)
    row["occurred_at"] = naive_timestamp(int(acts["t"][j]) + 7 * MINUTE)
    Ac.extra_rows.append(row)
    log.append(
        Defect(
            "activities",
            act_id(j),
            "conflicting duplicate key: re-delivered with "
            "occurred_at 7 minutes later (the later row wins)",
        )
    )

    lead_a = _first_at_or_after(leads.created > cfg.start_s + DAY, at(0.4, n))
    valid_t = naive_timestamp(min(int(leads.created[lead_a]) + DAY, cfg.end_s))

    def activity(
        act: str | None,
        lead: str,
        kind: str,
        when: str | None,
        duration: str | None = None,
        detail: str | None = None,
    ) -> dict[str, str | None]:
        return {
            "activity_id": act,
            "lead_id": lead,
            "activity_type": kind,
            "occurred_at": when,
            "owner_id": None,
            "campaign": None,
            "detail": detail,
            "duration_seconds": duration,
        }

    Ac.extra_rows.append(activity(None, lead_id(lead_a), "page_view", valid_t, "35", "/pricing"))
    log.append(
        Defect("activities", "(empty)", f"missing key: activity_id empty (lead {lead_id(lead_a)})")
    )
    next_act = m
    appended = (
        (lead_id(lead_a), "email_open", "not a date", "unparseable timestamp 'not a date'"),
        (lead_id(lead_a), "email_click", None, "missing required timestamp: occurred_at empty"),
        (lead_id(lead_a), "page_view", "2099-01-01 00:00:00", "junk future occurred_at 2099"),
        (unknown_lead, "email_open", naive_timestamp(mid), f"unknown lead_id {unknown_lead}"),
        (
            lead_id(lead_a),
            "chat_message",
            valid_t,
            "activity_type without a scoring rule (chat_message)",
        ),
    )
    for lead, kind, when, what in appended:
        Ac.extra_rows.append(activity(act_id(next_act), lead, kind, when))
        log.append(Defect("activities", act_id(next_act), what))
        next_act += 1
    lead_b = _first_at_or_after(leads.created > cfg.start_s + DAY, at(0.5, n))
    before = naive_timestamp(int(leads.created[lead_b]) - 2 * HOUR)
    Ac.extra_rows.append(
        activity(
            act_id(next_act), lead_id(lead_b), "page_view", before, "48", "/blog/lead-scoring-101"
        )
    )
    log.append(
        Defect(
            "activities",
            act_id(next_act),
            f"dated 2 hours before its lead {lead_id(lead_b)} was created (kept, warning)",
        )
    )
    next_act += 1

    with_duration = (acts["type"] == A["page_view"]) & (duration >= 0)
    j = _first_at_or_after(with_duration, at(0.6, m))
    Ac.overrides.setdefault("duration_seconds", {})[j] = "-42"
    log.append(Defect("activities", act_id(j), "negative duration_seconds '-42' (field issue)"))

    # ---- stage changes ------------------------------------------------------------------
    next_stage = k
    S.extra_rows.append(
        {
            "change_id": stage_id(next_stage),
            "lead_id": unknown_lead,
            "stage": "MQL",
            "changed_at": naive_timestamp(mid),
            "owner_id": None,
            "reason": None,
            "amount": None,
        }
    )
    log.append(Defect("stage_changes", stage_id(next_stage), f"unknown lead_id {unknown_lead}"))
    next_stage += 1
    last_t = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_t, st["lead"], st["t"])
    quiet = (last_t > 0) & (last_t < cfg.cutoff_s - 3 * DAY)
    z = _first_at_or_after(quiet, at(0.3, n))
    S.extra_rows.append(
        {
            "change_id": stage_id(next_stage),
            "lead_id": lead_id(z),
            "stage": "Zombie",
            "changed_at": naive_timestamp(int(last_t[z]) + DAY),
            "owner_id": None,
            "reason": None,
            "amount": None,
        }
    )
    log.append(Defect("stage_changes", stage_id(next_stage), "unmapped stage label 'Zombie'"))
    opp_rows = (st["code"] == OPP) & (st["amount"] >= 0)
    if opp_rows.any():
        s = _first_at_or_after(opp_rows, at(0.3, k))
        S.overrides.setdefault("amount", {})[s] = "12k"
        log.append(Defect("stage_changes", stage_id(s), "unparseable amount '12k' (field issue)"))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _file_name(cfg: Config, table: str, day: str | None = None) -> str:
    ext = "parquet" if cfg.fmt == "parquet" else "csv"
    name = f"{cfg.file_prefix}{table}"
    return f"{name}_{day}.{ext}" if day else f"{name}.{ext}"


class _Sink:
    """Streams Arrow tables into one CSV or Parquet file, written atomically."""

    def __init__(self, path: Path, columns: tuple[str, ...], fmt: str) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.fmt = fmt
        if fmt == "parquet":
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        else:
            self.file = pa.OSFile(str(self.tmp), "wb")
            self.file.write((",".join(columns) + "\n").encode())
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            self.writer = pacsv.CSVWriter(self.file, self.schema, write_options=options)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table.cast(self.schema))

    def close(self) -> None:
        self.writer.close()
        if self.fmt != "parquet":
            self.file.close()
        os.replace(self.tmp, self.path)


def _write_table(
    table: RawTable,
    path: Path,
    fmt: str,
    rows: np.ndarray | None = None,
    with_extra: bool = True,
    on_rows: Callable[[int], None] | None = None,
) -> None:
    sink = _Sink(path, table.columns, fmt)
    try:
        positions = np.arange(table.size) if rows is None else rows
        for start in range(0, positions.size, CHUNK_ROWS):
            chunk = positions[start : start + CHUNK_ROWS]
            sink.write(table.render(chunk))
            if on_rows:
                on_rows(chunk.size)
        if with_extra and table.extra_rows:
            sink.write(table.render_extra())
        sink.close()
    except BaseException:
        sink.tmp.unlink(missing_ok=True)
        raise


def write_dataset(
    data: Dataset, cfg: Config, on_rows: Callable[[int], None] | None = None
) -> list[Path]:
    """Write the three tables; returns the files written."""
    cfg.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in data.tables():
        if cfg.landing_days is None:
            path = cfg.out / _file_name(cfg, table.name)
            _write_table(table, path, cfg.fmt, on_rows=on_rows)
            written.append(path)
            continue
        folder = cfg.out / f"{cfg.file_prefix}{table.name}"
        folder.mkdir(parents=True, exist_ok=True)
        ext = "parquet" if cfg.fmt == "parquet" else "csv"
        for stale in folder.glob(f"{cfg.file_prefix}{table.name}_????-??-??.{ext}"):
            stale.unlink()
        last_day = cfg.cutoff_s // DAY
        first_day = last_day - cfg.landing_days + 1
        day = np.maximum(table.landing_day, first_day)
        bounds = np.searchsorted(day, np.arange(first_day, last_day + 2), side="left")
        for offset in range(cfg.landing_days):
            lo, hi = bounds[offset], bounds[offset + 1]
            is_last = offset == cfg.landing_days - 1
            if hi <= lo and not (is_last and table.extra_rows):
                continue
            stamp = str(np.datetime64(int(first_day + offset), "D"))
            path = folder / _file_name(cfg, table.name, stamp)
            _write_table(
                table, path, cfg.fmt, np.arange(lo, hi), with_extra=is_last, on_rows=on_rows
            )
            written.append(path)
    return written


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from error


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from error
    if not value > 0 or value > 1000:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1000, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_data.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Generate deterministic, realistic synthetic raw data for the Lead Funnel\n"
            "Warehouse: DIR/leads, DIR/activities and DIR/stage_changes (SPEC section 3),\n"
            "every column as text. The same arguments always give the same bytes."
        ),
        epilog=(
            "examples:\n"
            "  generate_data.py --leads 100000 --seed 7 --out /tmp/raw\n"
            "  generate_data.py --leads 1000000 --seed 1 --out /tmp/raw --format parquet\n"
            "  generate_data.py --leads 5000 --seed 3 --out /tmp/raw --defects "
            "--landing-days 30\n"
            "  generate_data.py --demo        # rewrite seeds/raw_*.csv (the committed demo)\n"
            "\n"
            "Then build from the files: python scripts/pipeline.py run --raw-dir /tmp/raw"
        ),
    )
    parser.add_argument(
        "--leads",
        type=_positive_int,
        metavar="N",
        help="number of leads to generate (about 20 activities each)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        metavar="S",
        help="random seed; the same seed gives the same files (default 0)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output directory, created if missing (--demo: seeds/)",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("csv", "parquet"),
        default=None,
        help="file format (default csv)",
    )
    parser.add_argument(
        "--start-date",
        type=_date,
        metavar="YYYY-MM-DD",
        help=f"first day leads are created (default {DEFAULT_START})",
    )
    parser.add_argument(
        "--end-date",
        type=_date,
        metavar="YYYY-MM-DD",
        help=f"last day leads are created (default {DEFAULT_END}); activities "
        f"and stage changes run until {GRACE_DAYS} days later, when the extract "
        "is taken",
    )
    parser.add_argument(
        "--activities-per-lead",
        type=_positive_float,
        metavar="X",
        help="average number of activities per lead (default 20)",
    )
    parser.add_argument(
        "--defects",
        action="store_true",
        help="inject a handful of realistic data-quality defects (duplicates, "
        "bad timestamps, unknown leads, unmapped stage, malformed values) and "
        "list their keys",
    )
    parser.add_argument(
        "--landing-days",
        type=_positive_int,
        metavar="K",
        help="write each table as a folder of daily landing files "
        "DIR/NAME/NAME_YYYY-MM-DD.csv for the last K days of the extract: the "
        "first holds the history up to that day, the others one day each",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"write the committed demo seeds seeds/raw_leads.csv, "
        f"raw_activities.csv, raw_stage_changes.csv ({DEMO['leads']} leads, "
        f"seed {DEMO['seed']}, with --defects); --out may redirect them",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    """Validate the arguments together; raises UsageError with what to do instead."""
    if args.demo:
        clashing = [
            flag
            for flag, value in (
                ("--leads", args.leads),
                ("--seed", args.seed),
                ("--format", args.fmt),
                ("--start-date", args.start_date),
                ("--end-date", args.end_date),
                ("--activities-per-lead", args.activities_per_lead),
                ("--landing-days", args.landing_days),
            )
            if value is not None
        ]
        if clashing:
            raise UsageError(
                f"--demo writes the fixed demo seeds and takes no {', '.join(clashing)}; "
                "drop them, or leave out --demo to generate your own data"
            )
        return Config(
            leads=int(DEMO["leads"]),
            seed=int(DEMO["seed"]),
            out=args.out if args.out is not None else Path(DEMO["out"]),
            activities_per_lead=float(DEMO["activities_per_lead"]),
            defects=True,
            file_prefix="raw_",
        )
    missing = [
        flag for flag, value in (("--leads", args.leads), ("--out", args.out)) if value is None
    ]
    if missing:
        raise UsageError(f"{' and '.join(missing)} required (or use --demo for the demo seeds)")
    if args.leads > MAX_LEADS:
        raise UsageError(
            f"--leads {args.leads} is more than this generator supports "
            f"({MAX_LEADS}); generate several directories with different --seed"
        )
    start = args.start_date or DEFAULT_START
    end = args.end_date or DEFAULT_END
    if start > end:
        raise UsageError(f"--start-date {start} is after --end-date {end}")
    if end + dt.timedelta(days=GRACE_DAYS) > dt.date.today():
        raise UsageError(
            f"--end-date {end} is too recent: events run until {GRACE_DAYS} days after it, "
            f"which would be in the future; use an end date before "
            f"{dt.date.today() - dt.timedelta(days=GRACE_DAYS)}"
        )
    if args.defects and args.leads < 50:
        raise UsageError("--defects needs at least 50 leads to place its defects; raise --leads")
    return Config(
        leads=args.leads,
        seed=args.seed if args.seed is not None else 0,
        out=args.out,
        fmt=args.fmt or "csv",
        start=start,
        end=end,
        activities_per_lead=args.activities_per_lead or 20.0,
        defects=args.defects,
        landing_days=args.landing_days,
    )


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(
            f"cannot create output directory {out}: {error.strerror}; choose another --out"
        ) from error
    if not out.is_dir():
        raise OSError(f"--out {out} exists and is not a directory; choose another --out")
    if not os.access(out, os.W_OK | os.X_OK):
        raise OSError(f"cannot write to {out} (permission denied); choose a writable --out")


def _sibling_warnings(cfg: Config) -> list[str]:
    """Other layouts of the same table in DIR make raw_dir ambiguous: say so."""
    warnings = []
    other = "csv" if cfg.fmt == "parquet" else "parquet"
    for table in TABLE_COLUMNS:
        name = f"{cfg.file_prefix}{table}"
        candidates = [cfg.out / f"{name}.{other}"]
        if cfg.landing_days is None:
            candidates.append(cfg.out / name)
        else:
            candidates += [cfg.out / f"{name}.csv", cfg.out / f"{name}.parquet"]
        warnings += [
            f"{c} also exists; remove it so readers see only the new data"
            for c in candidates
            if c.exists()
        ]
    return warnings


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console(stderr=True, highlight=False)
    try:
        cfg = config_from_args(args)
    except UsageError as error:
        parser.error(str(error))
    began = time.perf_counter()
    try:
        _check_writable(cfg.out)
        with console.status(f"simulating {cfg.leads:,} leads (seed {cfg.seed})..."):
            data = generate(cfg)
        generated = time.perf_counter() - began
        total = sum(t.size for t in data.tables())
        done = 0

        def progress(rows: int) -> None:
            nonlocal done
            done += rows
            status.update(f"writing {cfg.fmt} to {cfg.out}: {done:,} / {total:,} rows")

        with console.status(f"writing {cfg.fmt} to {cfg.out}...") as status:
            files = write_dataset(data, cfg, progress)
    except (OSError, UsageError) as error:
        console.print(f"[red]error:[/red] {error}")
        return 1
    elapsed = time.perf_counter() - began
    out = Console(highlight=False)
    if data.defects:
        table = Table(title="injected defects", title_justify="left")
        for column in ("table", "key", "defect"):
            table.add_column(column)
        for d in data.defects:
            table.add_row(d.table, d.key, d.defect)
        out.print(table)
    for warning in _sibling_warnings(cfg):
        console.print(f"[yellow]warning:[/yellow] {warning}")
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    out.print(
        f"[green]wrote[/green] {data.leads.total_rows:,} leads, "
        f"{data.activities.total_rows:,} activities, "
        f"{data.stage_changes.total_rows:,} stage changes "
        f"({len(files)} {cfg.fmt} files, {size_mb:,.1f} MB) to {cfg.out} "
        f"in {elapsed:.1f}s (simulation {generated:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
