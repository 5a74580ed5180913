from tests.complaints.conftest import mini_corpus  # noqa: F401  (the learning curve trains on it)
