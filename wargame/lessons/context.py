"""Real-world context from PARAMETERS.md, shown when the player's numbers echo it.

Each entry says what it is, its source as published, and whether sources contest it.
Claims that could not be confirmed from a primary source are labelled "reported".
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    text: str
    source: str
    contested: bool = False


HIGH_END_DEPLETION = Context(
    "Real stockpiles have emptied this way: in the June 2025 war more than 150 THAAD interceptors were fired, "
    "about 25% of all ever bought; the US fired about 400 Patriots in 16 days of the Iran war (reported). "
    "A claim that a Gulf state used 87% of its Patriot interceptors is reported but unconfirmed.",
    "WSJ; Payne Institute via aggregator (reported)",
    contested=True,
)
COST_EXCHANGE = Context(
    "A Shahed/Geran-2 class drone costs about $20,000–70,000 (older contracts $290,000–370,000), "
    "a PAC-3 MSE interceptor $3.9–4.0M.",
    "CSIS May 2025; Ukrainian intelligence via CNN Aug 2025; Lockheed/Pentagon 2025",
    contested=True,
)
MISSILE_PRODUCTION = Context(
    "PAC-3 MSE output was ~500 in 2024 and 620 in 2025; a 2,000-a-year framework is not expected before ~2030, "
    "and a new interceptor-missile plant takes ~2 years.",
    "Lockheed/Pentagon; various",
)
DRONE_BENCHMARK = Context(
    "Ukraine went from >1.5M FPV drones (2024) to a capacity of >8M a year (Jan 2026); defending Lithuania alone "
    "is estimated to need ~3M drones a year.",
    "MoD; NSDC; EU defence commissioner via Chatham House, Jun 2025",
)
TERMINAL_AUTONOMY = Context(
    "Terminal-autonomy hit rates are contested: vendors claim close to 100% in tests and ~75% in use; one combat "
    "report counted 5 hits in 14 attacks (36%). Early-war FPV hit rates of ~10% are often cited.",
    "WELT Jan 2026; Forbes",
    contested=True,
)
KILL_CHAIN = Context(
    "Sensor-to-shooter time fell from tens of minutes (1991–2003) towards a goal of under 20 s; targeting webs such "
    "as ASGARD and Uranos KI are due in 2027 with a human in the loop (a kill chain 'under a minute' for ASGARD is reported).",
    "US Army; UK MoD; German press",
    contested=True,
)
ACCOUNTABILITY = Context(
    "No state has settled who is responsible when an autonomous weapon selects a target; current targeting webs keep a "
    "human in the loop by policy.",
    "UK MoD; German press (ASGARD, Uranos KI)",
)
CADENCE = Context(
    "In wartime, drone makers iterate 2–3 times a month and a countermeasure keeps its edge ~2–3 months; in peacetime "
    "procurement one iteration takes 1–2 years.",
    "RUSI/industry",
)
