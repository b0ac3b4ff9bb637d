// A self-signed certificate for `hooks.example.test` (EC P-256, valid until 2126), for TLS tests only.
// It proves that connecting to a checked IP keeps SNI and certificate checks on the host name.

/** PEM certificate; also the CA that tests trust. */
export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBsDCCAVagAwIBAgIUfcEzA3L2VorNaV+wGp08YmEtEv0wCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSaG9va3MuZXhhbXBsZS50ZXN0MCAXDTI2MTEyMzExNTYxOFoY
DzIxMjYxMDMwMTE1NjE4WjAdMRswGQYDVQQDDBJob29rcy5leGFtcGxlLnRlc3Qw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARDH0zOakEp5d/XLwv6VtEds8/0EZwu
4jcxmT6QNJsuoZauGZ2QW5dCDhahYQB9pMLZouBoO4+DTR8maGt7eA4no3IwcDAd
BgNVHQ4EFgQUxWz4dwov67JdCbihpojpHW+O2wMwHwYDVR0jBBgwFoAUxWz4dwov
67JdCbihpojpHW+O2wMwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHREEFjAUghJob29r
cy5leGFtcGxlLnRlc3QwCgYIKoZIzj0EAwIDSAAwRQIgGElGaohXQ3sZVdomEN1S
YHrcMl2OWhXcedHYPnT8VMgCIQDh3iJCutl7WW5w9z9bcHKkloHxpOBf50II5SB+
8YZp9g==
-----END CERTIFICATE-----
`;

/** PEM private key; worthless outside tests. */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgul/dx3D3FNh/XFc+
2KuayxTGZhN4JQKXLHtPcanUnbWhRANCAARDH0zOakEp5d/XLwv6VtEds8/0EZwu
4jcxmT6QNJsuoZauGZ2QW5dCDhahYQB9pMLZouBoO4+DTR8maGt7eA4n
-----END PRIVATE KEY-----
`;
