# SPDX-License-Identifier: MIT
"""OO simulation: particles in a box, small methods, properties, inheritance."""

SIZES = {"quick": 8_000, "full": 30_000}   # steps; ~40 calls per step


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def scale(self, k):
        return Vec(self.x * k, self.y * k)

    def norm2(self):
        return self.x * self.x + self.y * self.y


class Body:
    def __init__(self, pos, vel, mass):
        self.pos = pos
        self.vel = vel
        self.mass = mass

    @property
    def energy(self):
        return 0.5 * self.mass * self.vel.norm2()

    def step(self, dt):
        self.pos = self.pos + self.vel.scale(dt)
        self.bounce()

    def bounce(self):
        if not 0.0 <= self.pos.x <= 100.0:
            self.vel = Vec(-self.vel.x, self.vel.y)
        if not 0.0 <= self.pos.y <= 100.0:
            self.vel = Vec(self.vel.x, -self.vel.y)


class Heavy(Body):
    def step(self, dt):
        super().step(dt * 0.5)


class World:
    def __init__(self, n):
        self.bodies = []
        for i in range(n):
            cls = Heavy if i % 3 == 0 else Body
            self.bodies.append(cls(Vec(i * 7 % 100, i * 13 % 100),
                                   Vec((i % 5) - 2.0, (i % 7) - 3.0), 1 + i % 4))

    def tick(self, dt):
        for body in self.bodies:
            body.step(dt)

    def energy(self):
        return sum(b.energy for b in self.bodies)


def run(size):
    world = World(8)
    total = 0.0
    for i in range(size):
        world.tick(0.1)
        if i % 10 == 0:
            total += world.energy()
    return round(total, 3)
