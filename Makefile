# jwtguard: `make demo` runs the demo, `make test` runs every test of the project.
.PHONY: test demo fixtures

test:
	bash scripts/test

demo:
	bash scripts/demo

# Regenerates core/tests/fixtures with PyJWT and cryptography (independent of jwtguard).
fixtures:
	bash scripts/fixtures
