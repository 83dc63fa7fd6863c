from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication that rejects malformed keys before they reach the database.

    Keys are 40 hex characters; anything else (a NUL byte, say, which PostgreSQL refuses in
    text) answers 401 instead of reaching a query.
    """

    def authenticate_credentials(self, key):
        if len(key) != 40 or not all(ch in "0123456789abcdef" for ch in key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
