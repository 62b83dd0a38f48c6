"""Reward misspecification (deck 000, « le problème de l'alignement »): a FrozenLake whose designer
pays a small bonus on one tile to encourage progress, and forgets to pay it only once.

`BonusTile` wraps any discrete Gymnasium environment: entering `tile` adds `bonus` to the reward,
every time (`repeatable=True`) or at the first visit of the episode. The agent optimises what is
paid, not what was meant: with a repeatable bonus, stepping off the tile and back is worth more
than the goal.
"""

import gymnasium as gym

from profond.checks import check_int, check_positive


class BonusTile(gym.Wrapper):
    """reward' = reward + bonus when the agent enters `tile` (every entry, or once per episode).

    `info["bonus_visits"]` counts the paid entries so far in the episode.
    """

    def __init__(self, env, tile: int, bonus: float, repeatable: bool = True):
        super().__init__(env)
        self.tile = check_int("tile", tile, minimum=0)
        self.bonus = check_positive("bonus", bonus)
        self.repeatable = repeatable
        self.visits, self.state = 0, None

    def reset(self, **kwargs):
        self.visits = 0
        self.state, info = self.env.reset(**kwargs)
        return self.state, info

    def step(self, action):
        previous = self.state
        self.state, reward, terminated, truncated, info = self.env.step(action)
        # entering: a move into a wall leaves the agent where it is, and is not paid again
        if self.state == self.tile != previous and (self.repeatable or self.visits == 0):
            self.visits += 1
            reward = float(reward) + self.bonus
        return self.state, reward, terminated, truncated, {**info, "bonus_visits": self.visits}
