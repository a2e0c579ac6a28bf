"""Facts that must hold between the shipped scenarios, where students meet the same figure twice."""

import wargame


def test_the_tutorial_misidentifies_per_sortie_as_notebook_03_says():
    """A student meets the autonomy levels in the tutorial and again in 03 (eastern_front): the
    misidentification rate per sortie of each level must be the same figure in both."""
    tutorial, front = wargame.load_scenario("tutorial"), wargame.load_scenario("eastern_front")
    for level, spec in tutorial.autonomy.levels.items():
        assert float(spec.p_misidentification.value) == float(front.autonomy.levels[level].p_misidentification.value), level
