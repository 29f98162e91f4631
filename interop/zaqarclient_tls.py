#!/usr/bin/env python3
"""HTTPS interop: the real python-zaqarclient against a Marconi server that serves TLS.

Usage: zaqarclient_tls.py URL CA_BUNDLE   (URL like https://127.0.0.1:PORT; the server is already running)

Run by Marconi.Tests/Http/Process/TlsProcessTests.cs, which makes the CA and the server certificate and starts the
server binary. zaqarclient's noauth backend hands requests verify=True (its `cacert` option is read only by the
keystone backend), so the CA reaches it the way requests takes one: the REQUESTS_CA_BUNDLE environment variable.
The script checks that without the CA the client refuses the server's certificate, and that with it the client
creates a queue, posts and lists messages, claims one and deletes it. Prints one line per step, then
"N passed, N failed"; exits 1 if any step failed.
"""

import os
import sys
import uuid

try:
    from zaqarclient.queues import client as zclient
    from zaqarclient.transport import errors as zerrors
except ImportError:
    # Debian's python3-zaqarclient lives in the system interpreter, which a python3 earlier on PATH does not see.
    SYSTEM_PYTHON = '/usr/bin/python3'
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.path.exists(SYSTEM_PYTHON) \
            and not os.environ.get('ZAQARCLIENT_TLS_REEXEC'):
        os.environ['ZAQARCLIENT_TLS_REEXEC'] = '1'
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    raise

import requests

PROJECT = 'tls-interop'


def make_client(url):
    conf = {
        'client_uuid': str(uuid.uuid4()),
        'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': PROJECT}},
    }
    return zclient.Client(url, version=2, conf=conf)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    url, ca = sys.argv[1], sys.argv[2]
    passed, failed = 0, 0

    def step(name, fn):
        nonlocal passed, failed
        try:
            fn()
            print('PASS ' + name)
            passed += 1
        except Exception as e:  # noqa: BLE001 - every failure is reported, then counted
            print('FAIL %s: %s: %s' % (name, type(e).__name__, e))
            failed += 1

    queue_name = 'tls-' + uuid.uuid4().hex[:8]

    def untrusted_is_refused():
        # Only the system store: our CA is not in it, so the handshake's certificate check must fail.
        os.environ.pop('REQUESTS_CA_BUNDLE', None)
        os.environ.pop('CURL_CA_BUNDLE', None)
        try:
            list(make_client(url).queues())
        except requests.exceptions.SSLError:
            return
        except zerrors.TransportError as e:
            if 'CERTIFICATE_VERIFY_FAILED' in str(e) or 'SSL' in str(e):
                return
            raise
        raise AssertionError('the client accepted a certificate from a CA it was not given')

    step('without the CA bundle the certificate is refused', untrusted_is_refused)

    os.environ['REQUESTS_CA_BUNDLE'] = ca
    client = make_client(url)
    queue = client.queue(queue_name)

    def ping():
        assert client.ping() is True, 'ping failed'

    def post_and_list():
        queue.post([{'body': {'n': 1}, 'ttl': 300}, {'body': 'two', 'ttl': 300}])
        bodies = [m.body for m in queue.messages(echo=True)]
        assert bodies == [{'n': 1}, 'two'], 'listed %r' % (bodies,)

    def claim_and_delete():
        claim = queue.claim(ttl=60, grace=60, limit=1)
        claimed = list(claim)
        assert len(claimed) == 1 and claimed[0].body == {'n': 1}, 'claimed %r' % ([m.body for m in claimed],)
        claimed[0].delete()
        bodies = [m.body for m in queue.messages(echo=True, include_claimed=True)]
        assert bodies == ['two'], 'after delete %r' % (bodies,)

    def stats_and_delete_queue():
        assert queue.stats['messages']['total'] == 1, 'stats %r' % (queue.stats,)
        queue.delete()

    step('with REQUESTS_CA_BUNDLE: ping', ping)
    step('with REQUESTS_CA_BUNDLE: post and list messages', post_and_list)
    step('with REQUESTS_CA_BUNDLE: claim and delete', claim_and_delete)
    step('with REQUESTS_CA_BUNDLE: stats and queue delete', stats_and_delete_queue)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
