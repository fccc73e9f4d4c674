from django.contrib.auth.hashers import check_password, identify_hasher, make_password


def test_new_passwords_use_argon2id_at_owasp_parameters(settings):
    settings.PASSWORD_HASHERS = ["mpp.identity.hashers.OwaspArgon2PasswordHasher"]
    encoded = make_password("a-long-pass-phrase-9")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("a-long-pass-phrase-9", encoded)


def test_hashes_made_with_djangos_defaults_still_verify_and_are_upgraded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    old = make_password("a-long-pass-phrase-9")
    settings.PASSWORD_HASHERS = ["mpp.identity.hashers.OwaspArgon2PasswordHasher"]
    assert check_password("a-long-pass-phrase-9", old)
    assert identify_hasher(old).must_update(old)
