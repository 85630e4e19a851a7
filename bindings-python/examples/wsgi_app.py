"""A Flask-style API protected by a jwtguard Validator: keys come from the OpenID
configuration, refreshed hourly and on unknown key ids. Standard library only (WSGI);
the same decorator works with Flask (use ``flask.request.headers``).

    JWTGUARD_OPENID_CONFIG=https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration \\
    JWTGUARD_AUDIENCE=<backend-app-client-id> python examples/wsgi_app.py
"""

import functools
import json
import logging
import os

import jwtguard

log = logging.getLogger("api")


def requires_token(validator):
    """Decorator: the view runs only with a valid bearer token; it gets the claims."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(environ, start_response):
            header = environ.get("HTTP_AUTHORIZATION", "")
            scheme, _, token = header.partition(" ")
            try:
                if scheme.lower() != "bearer" or not token:
                    raise jwtguard.TokenNotPresentError("TokenNotPresent: no bearer token", reason="TokenNotPresent")
                claims = validator.validate(token.strip())
            except jwtguard.DiscoveryError as e:  # no keys could be fetched yet
                log.error("token validation unavailable: %s", e)
                return respond(start_response, 503, {"message": "Service unavailable."})
            except jwtguard.TokenError as e:
                log.info("rejected token: %s", e)  # reason and rule; never the token
                return respond(
                    start_response,
                    401,
                    {"statusCode": 401, "message": "Unauthorized. Access token is missing or invalid."},
                    [("WWW-Authenticate", 'Bearer error="invalid_token"')],
                )
            return view(environ, start_response, claims)

        return wrapper

    return decorate


def respond(start_response, status, body, headers=()):
    data = json.dumps(body).encode()
    reason = {200: "OK", 401: "Unauthorized", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), *headers])
    return [data]


def make_app(validator):
    @requires_token(validator)
    def hello(environ, start_response, claims):
        return respond(start_response, 200, {"hello": claims.get("name") or claims.get("sub")})

    return hello


def validator_from_environment():
    return jwtguard.Validator(
        os.environ["JWTGUARD_OPENID_CONFIG"],
        policy=jwtguard.Policy(audiences=[os.environ["JWTGUARD_AUDIENCE"]]),  # issuer: from discovery
    )


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    logging.basicConfig(level=logging.INFO)
    make_server("127.0.0.1", 8000, make_app(validator_from_environment())).serve_forever()
