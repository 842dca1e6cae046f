"""Hostile or foreign bytes that tests and the fuzz corpus throw at the server."""
import ssl


def tls_client_hello():
    """A real TLS ClientHello, as a browser or `openssl s_client` would open with."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="chat.example.org")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


# What a telnet client negotiates when it connects.
TELNET = (b"\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f\xff\xfb\x20\xff\xfb\x21\xff\xfb\x22"
          b"\xff\xfb\x27\xff\xfd\x05\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"
          b"\xff\xfa\x18\x00xterm-256color\xff\xf0")
