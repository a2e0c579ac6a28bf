"""The game as a Gymnasium environment (optional extra: ``pip install "wargame[rl]"``).

``WargameEnv`` is one game; ``WargameVectorEnv`` is many games stepped together by the batched
engine (one call of ``resolve_turn`` per step for the whole batch, not one per game). Importing
this module registers one versioned id per shipped scenario, e.g. ``wargame/GulfDepletion-v0``::

    import gymnasium
    env = gymnasium.make("wargame.env:wargame/GulfDepletion-v0")  # imports this module first
    envs = gymnasium.make_vec("wargame.env:wargame/EasternFront-v0", num_envs=1000, vectorization_mode="vector_entry_point")

**Observation**: ``Box(low, high, (N,), float32)``, the player's view from
``wargame.observe.observe``; its entries, units and bounds are ``observation_table(tables)``
(see ``wargame.observe`` for the table). Money is in millions of USD.

**Action**: a ``Dict`` of ``Box(0, 1)`` fractions and ``Discrete`` choices, built from the
scenario's catalogue (production, new lines, joint lines, imports, strikes, training, doctrine,
autonomy level, development cycle); ``wargame.actions`` documents each entry. Every action is
projected onto legal orders (``wargame.actions.legal_orders``, checked by the engine's own
``order_problems``), so no action can crash the game. ``info["action_mask"]`` says which
choices are carried out as chosen (prohibited autonomy levels, unaffordable cycles are not);
``env.action_space.sample(mask=info["action_mask"])`` samples only those.

**Reward**: the turn's full cost account, negative, in millions of USD
(``wargame.actions.turn_reward``: ``-defender_cost_usd / 1e6``).

**Episode end**: ``terminated`` after the scenario's last turn; never truncated (every game
lasts ``scenario.turns`` steps).

**Info**: every metric the turn recorded (``damage_usd``, ``full_exchange_ratio``, ...),
``action_mask`` for the next step, ``orders`` (the orders actually played, for the single
environment) and ``lessons`` (the turn's lessons, single environment only). The vector
environment gives each metric as an array over its games, with Gymnasium's ``_name`` masks.

**Seeds**: ``reset(seed=s)`` plays the game ``Game(scenario, seed=s)`` plays; the vector
environment's game *k* uses seed ``s + k``, like ``wargame.simulate``. A version is bumped when
what an agent sees, does or earns changes.
"""

from __future__ import annotations

import os
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.utils import seeding
from gymnasium.vector.utils import batch_space

from .actions import action_layout, action_mask, legal_orders, policy_from_actions, turn_reward  # noqa: F401 (re-exported)
from .game import Game
from .observe import observation_table, observe
from .orders import orders_from_arrays
from .rules.draws import make_draws
from .scenario import Scenario, load_scenario, shipped_scenarios
from .state import initial_state
from .tables import Tables, tables_for
from .turn import resolve_turn

VERSION = 0
MODES = ("stochastic", "expected")


def env_id(scenario_name: str) -> str:
    """The registered id of a shipped scenario: ``gulf_depletion`` -> ``wargame/GulfDepletion-v0``."""
    return "wargame/" + "".join(part.capitalize() for part in scenario_name.split("_")) + f"-v{VERSION}"


def observation_space(tables: Tables) -> spaces.Box:
    """The Box of a scenario's observation vector, from its documented table."""
    table = observation_table(tables)
    return spaces.Box(table.low.astype(np.float32), table.high.astype(np.float32), dtype=np.float32)


def action_space(tables: Tables) -> spaces.Dict:
    """The Dict of a scenario's action (see ``wargame.actions``)."""
    layout = action_layout(tables)
    parts: dict[str, spaces.Space] = {}
    for key, size in layout.shapes.items():
        parts[key] = spaces.Box(0.0, 1.0, shape=() if size is None else (size,), dtype=np.float32)
    for key, options in layout.choices.items():
        parts[key] = spaces.Discrete(options)
    return spaces.Dict(parts)


def _load(scenario: Scenario | str | os.PathLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def _batched(action: dict, layout) -> dict:
    """One game's action as a batch of one."""
    missing = [key for key in (*layout.shapes, *layout.choices) if key not in action]
    if missing:
        raise KeyError(f"the action has no {', '.join(map(repr, missing))} entry; see env.action_space")
    return {key: np.asarray(value)[None, ...] for key, value in action.items()}


class WargameEnv(gymnasium.Env):
    """One game of a scenario as a Gymnasium environment (see the module's documentation)."""

    metadata = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(self, scenario: Scenario | str | os.PathLike = "tutorial", mode: str = "stochastic", render_mode: str | None = None):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be None or one of {self.metadata['render_modes']}, not {render_mode!r}")
        self.mode = _check_mode(mode)
        self.render_mode = render_mode
        self._use(_load(scenario))
        self.game: Game | None = None

    def _use(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.tables = tables_for(scenario)
        self.observation_space = observation_space(self.tables)
        self.action_space = action_space(self.tables)

    def _switch(self, scenario) -> None:
        """Play another scenario from now on: only one with the same spaces (Gymnasium's rule)."""
        other = _load(scenario)
        tables = tables_for(other)
        if observation_space(tables) != self.observation_space or action_space(tables) != self.action_space:
            raise ValueError(
                f"the scenario {other.name!r} has other observation or action spaces than {self.scenario.name!r} "
                f"(another catalogue, or other bounds); make a new environment: WargameEnv({other.name!r})"
            )
        self._use(other)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = dict(options or {})
        if "scenario" in options:
            self._switch(options.pop("scenario"))
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; the one option is 'scenario'")
        game_seed = seed if seed is not None else int(self.np_random.integers(2**31))
        self.game = Game(self.scenario, seed=game_seed, mode=self.mode)
        return self._observation(), {"seed": game_seed, "action_mask": self._mask()}

    def step(self, action):
        if self.game is None or self.game.is_over:
            raise RuntimeError("call reset() first: the game is over or has not started")
        state = self.game.state
        arrays = legal_orders(state, self.tables, _batched(action, action_layout(self.tables)))
        orders = orders_from_arrays(arrays, self.tables)
        report = self.game.play_turn(orders)
        info = {**report.metrics, "orders": orders, "lessons": tuple(report.lessons), "action_mask": self._mask()}
        reward = float(turn_reward(report.metrics))
        return self._observation(), reward, bool(self.game.is_over), False, info

    def _observation(self) -> np.ndarray:
        return observe(self.game.state, self.tables)[0]

    def _mask(self) -> dict:
        masks = action_mask(self.game.state, self.tables)
        return {key: (masks[key][0] if key in masks else None) for key in self.action_space.spaces}

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if self.game is None:
            return "No game yet: call reset()."
        reports = self.game.reports
        return repr(reports[-1]) if reports else repr(self.game)


class WargameVectorEnv(VectorEnv):
    """``num_envs`` games of a scenario stepped together by the batched engine.

    All games of a scenario last the same number of turns, so they end together; the step
    after the last turn starts new games for all of them (Gymnasium's next-step autoreset),
    with seeds drawn from the environment's generator.
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(self, num_envs: int = 1, scenario: Scenario | str | os.PathLike = "tutorial", mode: str = "stochastic", render_mode: str | None = None):
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a whole number, 1 or more, not {num_envs!r}")
        if render_mode is not None:
            raise ValueError("the vector environment does not render; use WargameEnv(render_mode='ansi')")
        self.num_envs = int(num_envs)
        self.mode = _check_mode(mode)
        self.render_mode = None
        self.scenario = _load(scenario)
        self.tables = tables_for(self.scenario)
        self.single_observation_space = observation_space(self.tables)
        self.single_action_space = action_space(self.tables)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.seeds: np.ndarray | None = None
        self._state = None
        self._draws = None
        self._ended = False

    def reset(self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None):
        if options:
            raise ValueError("the vector environment takes no reset options; make one per scenario")
        if isinstance(seed, (list, tuple, np.ndarray)):
            if len(seed) != self.num_envs:
                raise ValueError(f"{len(seed)} seeds for {self.num_envs} games")
            self._np_random, self._np_random_seed = seeding.np_random(int(seed[0]))
            seeds = np.asarray(seed, np.int64)
        else:
            if seed is not None or self._np_random is None:
                self._np_random, self._np_random_seed = seeding.np_random(seed)
            first = seed if seed is not None else int(self._np_random.integers(2**31))
            seeds = first + np.arange(self.num_envs)
        self._start(seeds)
        return self._observation(), {"seed": seeds.copy(), "_seed": np.ones(self.num_envs, bool), **self._mask_info()}

    def _start(self, seeds: np.ndarray) -> None:
        self.seeds = seeds
        self._state = initial_state(self.tables, self.num_envs)
        turns_ahead = max(1, min(self.tables.turns, (64 << 20) // (8 * self.num_envs * self.tables.draw_columns)))
        self._draws = make_draws(self.mode, seeds, self.tables.draw_columns, turns_ahead)
        self._ended = False

    def step(self, actions):
        if self._state is None:
            raise RuntimeError("call reset() first")
        if self._ended:  # next-step autoreset: the games ended last step; this step starts new ones
            self._start(int(self.np_random.integers(2**31)) + np.arange(self.num_envs))
            none = np.zeros(self.num_envs, bool)
            info = {"seed": self.seeds.copy(), "_seed": np.ones(self.num_envs, bool), **self._mask_info()}
            return self._observation(), np.zeros(self.num_envs), none, none.copy(), info
        orders = legal_orders(self._state, self.tables, actions)
        self._state, record = resolve_turn(self._state, orders, self.tables, self._draws, keep_events=False)
        self._ended = self._state.turn > self.tables.turns
        reward = np.asarray(turn_reward(record.metrics), np.float64)
        every = np.ones(self.num_envs, bool)
        info: dict[str, Any] = {}
        for name, values in record.metrics.items():
            info[name] = np.array(np.broadcast_to(values, (self.num_envs,)), dtype=np.float64)
            info["_" + name] = every
        info.update(self._mask_info())
        terminated = np.full(self.num_envs, self._ended)
        return self._observation(), reward, terminated, np.zeros(self.num_envs, bool), info

    def _observation(self) -> np.ndarray:
        return observe(self._state, self.tables)

    def _mask_info(self) -> dict:
        masks = action_mask(self._state, self.tables)
        return {"action_mask": masks, "_action_mask": np.ones(self.num_envs, bool)}


def register_environments() -> list[str]:
    """Register every shipped scenario under its versioned id; returns the ids."""
    ids = []
    for name in shipped_scenarios():
        ident = env_id(name)
        if ident not in gymnasium.registry:
            gymnasium.register(
                id=ident,
                entry_point="wargame.env:WargameEnv",
                vector_entry_point="wargame.env:WargameVectorEnv",
                kwargs={"scenario": name},
                nondeterministic=False,
            )
        ids.append(ident)
    return ids


ENV_IDS = register_environments()
