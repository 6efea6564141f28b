def pytest_configure(config):
    # Known to pytest-xdist (`--dist loadgroup`); registered here too so that `-p no:xdist` runs stay strict-clean.
    config.addinivalue_line("markers", "xdist_group(name): run the marked tests in the same xdist worker")
