"""Real-world context, shown when the player's numbers echo it (the sources table: docs/sources.md).

Each entry says what it is, its source as published, and whether sources contest it.
Claims that could not be confirmed from a primary source are labelled "reported". The kit was
commissioned from one commentary; its claims are attributed to it under one name everywhere,
``SOURCE_ARTICLE``, and shown beside other sources where they disagree, never replaced.
"""

from dataclasses import dataclass


SOURCE_ARTICLE = "the source article (2026 commentary)"


@dataclass(frozen=True)
class Context:
    text: str
    source: str
    contested: bool = False


HIGH_END_DEPLETION = Context(
    "Real stockpiles have emptied this way. In the Iran war, cheap drones made the US burn through Patriot "
    "interceptors, THAAD systems and naval munitions at an alarming rate, and Bahrain depleted 87% of its Patriot "
    "interceptors (the source article (2026 commentary); the Bahrain figure is reported there and not confirmed "
    "elsewhere). Other sources: more than 150 THAAD interceptors fired in the June 2025 war, about 25% of all ever "
    "bought (WSJ); about 400 Patriots in 16 days of the Iran war (Payne Institute via aggregator, reported).",
    f"{SOURCE_ARTICLE} (reported); WSJ; Payne Institute via aggregator (reported)",
    contested=True,
)
COST_EXCHANGE = Context(
    "The exchange, as the source article (2026 commentary) puts it: a drone costing a few thousand dollars forcing "
    "an interceptor costing hundreds of thousands. Other sources, side by side: a Shahed/Geran-2 class drone costs "
    "about $20,000–70,000 (older contracts $290,000–370,000), a PAC-3 MSE interceptor $3.9M–$4M.",
    f"{SOURCE_ARTICLE}; CSIS May 2025; Ukrainian intelligence via CNN Aug 2025; Lockheed/Pentagon 2025",
    contested=True,
)
MISSILE_PRODUCTION = Context(
    "PAC-3 MSE output was ~500 in 2024 and 620 in 2025; a 2,000-a-year framework is not expected before ~2030, "
    "and a new interceptor-missile plant takes ~2 years.",
    "Lockheed/Pentagon; various",
)
DRONE_BENCHMARK = Context(
    "Ukraine made 2.2 million drones in 2024 and 4.5 million in 2025 (the source article (2026 commentary)); "
    "official figures, side by side: >1.5M FPV drones (2024), a 4–4.5M capacity or plan (2025), >8M a year of "
    "capacity (Jan 2026). The EU defence commissioner estimates ~3M drones a year are needed just to defend "
    "Lithuania, a country of fewer than 3 million people; Europe's capacity, impressive by peacetime standards, is "
    "severely insufficient against that demand (the source article (2026 commentary)).",
    f"{SOURCE_ARTICLE}; MoD; NSDC; EU defence commissioner via Chatham House, Jun 2025",
    contested=True,
)
TERMINAL_AUTONOMY = Context(
    "Terminal-autonomy hit rates are contested. The source article (2026 commentary): Helsing's drones in Ukraine "
    "recognise objects, an operator reviews and approves each strike, and they fly autonomously only in terminal "
    "guidance, roughly half a mile from the target, with a claimed hit rate around 75%. Other sources, side by side: "
    "terminal lock-on at ~400–500 m (TFL); vendors claim close to 100% in tests; one combat report counted 5 hits in "
    "14 attacks (36%, WELT Jan 2026). Early-war FPV hit rates of ~10% are often cited (Forbes).",
    f"{SOURCE_ARTICLE}; WELT Jan 2026; TFL; Forbes",
    contested=True,
)
KILL_CHAIN = Context(
    "Sensor-to-shooter time fell from tens of minutes (1991–2003) towards a goal of under 20 s (US Army 2020). "
    "The source article (2026 commentary): developers of Germany's Uranos KI targeting web (initial deployment "
    "2026) and Britain's ASGARD (due by 2027) claim detection-to-strike-decision in under a minute; neither is "
    "operational today, and the timelines assume no further political or fiscal disruption. Other press dates "
    "both for 2027.",
    f"{SOURCE_ARTICLE}; US Army; UK MoD; German press",
    contested=True,
)
ACCOUNTABILITY = Context(
    "In January 2026 the European Parliament's resolution on drones and new warfare called for frameworks but "
    "produced no binding legal architecture for autonomous lethal decisions; Europe is building the capability "
    "faster than the rules, with kill chains under sixty seconds (the source article (2026 commentary)). Current "
    "targeting webs keep a human in the loop by policy.",
    f"{SOURCE_ARTICLE}; UK MoD; German press (ASGARD, Uranos KI)",
)
CADENCE = Context(
    "A European programme takes years, sometimes decades, from concept to deployment; Ukraine's cycle runs in weeks: "
    "a weakness found on Monday is patched by Thursday and at the front the next week (the source article (2026 "
    "commentary)). Industry figures: 2–3 iterations a month in wartime, a countermeasure keeps its edge ~2–3 months; "
    "in peacetime procurement one iteration takes 1–2 years.",
    f"{SOURCE_ARTICLE}; RUSI/industry",
)
