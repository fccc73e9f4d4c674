"""Password hashing parameters: Argon2id at OWASP's recommended minimum.

Django's defaults (100 MiB, 8 lanes) make every sign-in hold 100 MiB inside a web
worker and use both cores for ~120 ms; OWASP's Password Storage Cheat Sheet lists
m=19 MiB, t=2, p=1 as a sufficient Argon2id configuration. Hashes made with other
parameters still verify and are upgraded at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same prefix: Django reads each hash's own parameters
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
