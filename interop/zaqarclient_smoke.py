#!/usr/bin/env python3
"""Interop smoke test: drive Marconi.Server through the real python-zaqarclient.

Prerequisites (the caller does these; .ci/run does them in CI):
  apt-get install -y python3-zaqarclient python3-zaqar
  dotnet build -c Release Marconi.Server

What it does: starts the built server (dotnet Marconi.Server/bin/Release/net10.0/marconi-server.dll) on a free
loopback port with a temporary data directory, waits (at most 60 s) for its "Marconi listening on" line, then runs
the queue, stats, message and claim operations of zaqarclient (noauth) for API versions 2, 1.1 and 1, asserting every
result. The server runs with a signed-URL key (MARCONI_SIGNED_URL_KEY), and for v2 the script checks pre-signed URLs
against Zaqar's own code (python3-zaqar's zaqar.common.urls): URLs it signs are accepted through zaqarclient's
signed-url auth backend, tampered, expired or misused ones are refused, and the server's share answer verifies with
Zaqar's verify_signed_headers_data. At the end (and on any failure) it stops the server with SIGTERM and checks that
it exits 0.

Prints one line per step (PASS/FAIL/SKIP), then "N passed, N failed". Exits 1 if any step failed.
Subscriptions (v2) are driven through the client too (confirmation, which the client lacks, through urllib).
"""

import datetime
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid

try:
    from zaqarclient.queues import client as zclient
    from zaqarclient.queues.v1 import core as v1core
    from zaqarclient.transport import errors as zerrors
    # Zaqar's own signer and verifier (python3-zaqar, the reference server), to check signatures against.
    from oslo_utils import timeutils
    from zaqar.common import urls as zaqar_urls
except ImportError:
    # Debian's python3-zaqarclient lives in the system interpreter; a python3 earlier on PATH (pyenv, venv)
    # does not see it. Re-run under the system one once.
    SYSTEM_PYTHON = '/usr/bin/python3'
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.path.exists(SYSTEM_PYTHON) \
            and not os.environ.get('ZAQARCLIENT_SMOKE_REEXEC'):
        os.environ['ZAQARCLIENT_SMOKE_REEXEC'] = '1'
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    raise

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTUP_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 30.0
PROJECT = 'interop-project'
# Known to the script so it can sign URLs itself with Zaqar's code; passed to the server through its environment.
SIGNED_URL_KEY = 'interop-signed-url-key-' + uuid.uuid4().hex
LISTEN_RE = re.compile(r'Marconi listening on (http://127\.0\.0\.1:(\d+))')


class StepFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise StepFailed(message)


def check_eq(actual, expected, what):
    if actual != expected:
        raise StepFailed('%s: expected %r, got %r' % (what, expected, actual))


def expect_error(error_type, fn, what):
    try:
        result = fn()
    except error_type:
        return
    except Exception as ex:  # noqa: BLE001 - any other outcome is a failure of this step
        raise StepFailed('%s: expected %s, got %s: %s' % (what, error_type.__name__, type(ex).__name__, ex))
    raise StepFailed('%s: expected %s, got success (%r)' % (what, error_type.__name__, result))


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def step(self, name, fn):
        try:
            fn()
        except Exception as ex:  # noqa: BLE001 - a step fails on any exception
            self.failed += 1
            detail = str(ex) if isinstance(ex, StepFailed) else '%s: %s' % (type(ex).__name__, ex)
            print('FAIL %s: %s' % (name, detail), flush=True)
            if not isinstance(ex, StepFailed):
                traceback.print_exc(limit=4, file=sys.stdout)
            return False
        self.passed += 1
        print('PASS %s' % name, flush=True)
        return True

    @staticmethod
    def skip(name, reason):
        print('SKIP %s: %s' % (name, reason), flush=True)


# ---------------------------------------------------------------- server process

def find_server_dll():
    pattern = os.path.join(REPO, 'Marconi.Server', 'bin', 'Release', 'net*', 'marconi-server.dll')
    found = sorted(glob.glob(pattern))
    if not found:
        raise RuntimeError('%s not found: run "dotnet build -c Release Marconi.Server" first' % pattern)
    return found[-1]


class Server:
    def __init__(self):
        self.data_dir = tempfile.mkdtemp(prefix='marconi-interop-')
        self.log_path = os.path.join(self.data_dir, 'server-stderr.log')
        self.proc = None
        self.url = None
        self._listening = threading.Event()
        self._stdout_lines = []

    def start(self):
        dll = find_server_dll()
        store = os.path.join(self.data_dir, 'store')
        log = open(self.log_path, 'wb')
        # Port 0: the server binds a free loopback port itself and prints the bound endpoint (no race with a
        # port picked here and released before the server binds it).
        env = dict(os.environ, MARCONI_SIGNED_URL_KEY=SIGNED_URL_KEY)
        self.proc = subprocess.Popen(
            ['dotnet', dll, '--listen', '127.0.0.1:0', '--data-dir', store],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, cwd=self.data_dir, env=env)
        log.close()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._listening.is_set():
            if self.proc.poll() is not None:
                raise RuntimeError('server exited with %s before listening' % self.proc.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError('no "Marconi listening" line within %d s' % STARTUP_TIMEOUT)
            self._listening.wait(0.1)
        print('server: %s (pid %d, data dir %s)' % (self.url, self.proc.pid, store), flush=True)

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode('utf-8', 'replace').rstrip()
            self._stdout_lines.append(line)
            match = LISTEN_RE.search(line)
            if match and self.url is None:
                self.url = match.group(1)
                self._listening.set()

    def stop(self):
        """SIGTERM, bounded wait; returns the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode

    def dump_log(self):
        try:
            with open(self.log_path, 'rb') as f:
                text = f.read().decode('utf-8', 'replace')
        except OSError:
            return
        lines = text.splitlines()[-40:]
        if lines:
            print('--- server stderr (last %d lines) ---' % len(lines))
            print('\n'.join(lines))
            print('--- end of server stderr ---', flush=True)

    def cleanup(self):
        shutil.rmtree(self.data_dir, ignore_errors=True)


# ---------------------------------------------------------------- client helpers

def make_client(url, version):
    conf = {
        # Client-ID header: zaqarclient reads 'client_uuid' from the top level of conf.
        'client_uuid': str(uuid.uuid4()),
        # X-Project-Id header: from auth_opts.options.os_project_id (or project_id).
        'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': PROJECT}},
    }
    return zclient.Client(url, version=version, conf=conf)


def ids_of(post_result):
    return [href.split('/')[-1] for href in post_result['resources']]


def list_queue_names(cli, version, **params):
    listing = cli.queues(**params)
    count = None
    if version >= 2:  # v2 client returns (iterator, count)
        listing, count = listing
    return [q.name for q in listing], count


def queue_stats(queue):
    return queue.stats['messages']


def check_message(msg, expected_id, expected_body, what):
    check_eq(msg.id if hasattr(msg, 'id') else msg._id, expected_id, '%s id' % what)
    check_eq(msg.body, expected_body, '%s body' % what)


def msg_id(msg):
    # v2 Message has .id; v1 Message keeps it in ._id.
    return msg.id if hasattr(msg, 'id') else msg._id


# ---------------------------------------------------------------- the scenario

BODIES = [
    {'event': 'created', 'n': 1, 'tags': ['a', 'b']},
    ['list', 'body', 2],
    'plain string body \u00e9',
]


def run_version(r, url, version):
    label = 'v%s' % version
    tag = uuid.uuid4().hex[:8]
    qname = 'interop-%s-%s' % (label.replace('.', '_'), tag)
    meta_qname = qname + '-meta'
    producer = make_client(url, version)
    consumer = make_client(url, version)
    st = {}

    def s(name, fn):
        return r.step('%s %s' % (label, name), fn)

    if version >= 2:
        def ping():
            check(producer.ping() is True, 'GET /v2/ping did not answer 2xx')
        s('ping', ping)

        def homedoc():
            doc = producer.homedoc()
            check(isinstance(doc, dict) and 'resources' in doc, 'home document has no "resources": %r' % (doc,))
        s('home document', homedoc)

    # --- queues
    def create():
        q = producer.queue(qname, force_create=True)  # PUT /queues/{name}
        st['q'] = q
        st['cq'] = consumer.queue(qname, auto_create=False)
    if not s('queue create', create):
        return

    def exists():
        # Queue.exists() (HEAD) is v1.0 only: zaqarclient refuses it on >= 1.1 without a request, as Zaqar
        # 1.1/2 have no HEAD on queues. Existence is checked through the listing instead.
        expect_error(Exception, st['q'].exists, 'Queue.exists() on %s' % label)
        names, _ = list_queue_names(producer, version, limit=20)
        check(qname in names, 'created queue %s missing from listing %r' % (qname, names))
        missing = 'interop-never-created-' + tag
        check(missing not in names, 'never created queue %s listed' % missing)
    s('queue exists (via listing)', exists)

    meta = {'color': 'red', 'size': 3, 'nested': {'k': [1, 2]}}
    if version >= 2:
        def meta_set():
            result = st['q'].metadata(new_meta=dict(meta))  # GET + PATCH (json-patch)
            for k, v in meta.items():
                check_eq(result.get(k), v, 'PATCH result metadata[%r]' % k)
        s('queue metadata set (PATCH add)', meta_set)

        def meta_get():
            got = st['q'].metadata(force_reload=True)  # GET /v2/queues/{name}
            for k, v in meta.items():
                check_eq(got.get(k), v, 'metadata[%r]' % k)
            check_eq(got.get('_default_message_ttl'), 3600, 'reserved _default_message_ttl')
            check_eq(got.get('_max_messages_post_size'), 262144, 'reserved _max_messages_post_size')
        s('queue metadata get', meta_get)

        def meta_replace():
            result = st['q'].metadata(new_meta={'color': 'blue'})  # replace color, remove size/nested/reserved
            check_eq(result.get('color'), 'blue', 'metadata color after replace')
            check('size' not in result and 'nested' not in result, 'removed keys still present: %r' % result)
            got = st['q'].metadata(force_reload=True)
            check_eq(got.get('color'), 'blue', 'reloaded metadata color')
            check('size' not in got and 'nested' not in got, 'removed keys still present after reload: %r' % got)
        s('queue metadata set (PATCH replace/remove)', meta_replace)
    else:
        def meta_set():
            # zaqarclient refuses Queue.metadata(new_meta=...) on 1.1 (Zaqar 1.1 has no metadata PUT/PATCH);
            # v1.1 sets metadata when creating the queue: PUT /v1.1/queues/{name} with the metadata body.
            expect_error(RuntimeError, lambda: st['q'].metadata(new_meta={'x': 1}), 'v1.1 metadata(new_meta)')
            req, trans = producer._request_and_transport()
            v1core.queue_create(trans, req, meta_qname, metadata=dict(meta))
        s('queue create with metadata', meta_set)

        def meta_get():
            mq = producer.queue(meta_qname, auto_create=False)
            got = mq.metadata(force_reload=True)  # GET /v1.1/queues/{name}
            check_eq(got, meta, 'v1.1 queue metadata')
            plain = st['q'].metadata(force_reload=True)
            check_eq(plain, {}, 'v1.1 metadata of a queue created without any')
        s('queue metadata get', meta_get)

    def listing():
        names, count = list_queue_names(producer, version, limit=20, detailed=True)
        check(qname in names, '%s missing from listing %r' % (qname, names))
        check(names == sorted(names), 'listing not sorted by name: %r' % names)
        if version >= 2:
            names2, count2 = list_queue_names(producer, version, with_count=True)
            check(isinstance(count2, int) and count2 >= 1, 'with_count gave %r' % (count2,))
            detailed = {q.name: q for q in producer.queues(detailed=True, limit=20)[0]}
            check_eq(detailed[qname].metadata().get('color'), 'blue', 'detailed listing metadata color')
        else:
            check(meta_qname in names, '%s missing from listing %r' % (meta_qname, names))
        # Another project must not see these queues.
        other = zclient.Client(url, version=version, conf={
            'client_uuid': str(uuid.uuid4()),
            'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': 'interop-other-' + tag}}})
        other_names, _ = list_queue_names(other, version, limit=20)
        check(qname not in other_names, 'queue visible from another project')
    s('queue list', listing)

    def stats_empty():
        m = queue_stats(st['q'])
        check_eq((m['free'], m['claimed'], m['total']), (0, 0, 0), 'stats free/claimed/total of an empty queue')
    s('stats (empty queue)', stats_empty)

    # --- messages
    def post():
        result = st['q'].post([{'body': b, 'ttl': 600} for b in BODIES])
        ids = ids_of(result)
        check_eq(len(ids), 3, 'posted resources')
        check_eq(len(set(ids)), 3, 'distinct message ids')
        for href in result['resources']:
            check('/%s/queues/%s/messages/' % (label, qname) in href, 'unexpected href %r' % href)
        st['ids'] = ids
    if not s('message post (batch of 3)', post):
        return
    ids = st['ids']

    def stats_posted():
        m = queue_stats(st['q'])
        check_eq((m['free'], m['claimed'], m['total']), (3, 0, 3), 'stats free/claimed/total')
        check(ids[0] in m['oldest']['href'], 'oldest href %r is not message %s' % (m['oldest']['href'], ids[0]))
        check(ids[2] in m['newest']['href'], 'newest href %r is not message %s' % (m['newest']['href'], ids[2]))
    s('stats (3 posted)', stats_posted)

    def list_no_echo():
        got = list(st['q'].messages())
        check_eq(got, [], 'producer listing without echo')
    s('message list (own, no echo)', list_no_echo)

    def list_echo():
        got = list(st['q'].messages(echo=True))
        check_eq([msg_id(m) for m in got], ids, 'listed ids (oldest first)')
        check_eq([m.body for m in got], BODIES, 'listed bodies')
        for m in got:
            check(m.ttl == 600 and isinstance(m.age, int), 'ttl/age of listed message %r' % m)
    s('message list (echo)', list_echo)

    def list_other_client():
        got = list(st['cq'].messages())
        check_eq([msg_id(m) for m in got], ids, 'ids listed by another client')
        page = list(st['cq'].messages(limit=2))
        check_eq([msg_id(m) for m in page], ids[:2], 'first page (limit 2)')
    s('message list (other client, limit)', list_other_client)

    def get_one():
        m = st['q'].message(ids[1])
        check_message(m, ids[1], BODIES[1], 'message')
        check_eq(m.ttl, 600, 'message ttl')
    s('message get by id', get_one)

    def get_many():
        got = list(st['q'].messages(ids[0], ids[2]))
        check_eq(sorted(msg_id(m) for m in got), sorted([ids[0], ids[2]]), 'ids from get many')
        bodies = {msg_id(m): m.body for m in got}
        check_eq(bodies, {ids[0]: BODIES[0], ids[2]: BODIES[2]}, 'bodies from get many')
    s('message get many (ids)', get_many)

    def get_missing():
        expect_error(zerrors.ResourceNotFound, lambda: st['q'].message('5f0f0f0f0f0f0f0f0f0f0f0f'), 'get missing id')
    s('message get missing id -> 404', get_missing)

    # --- claims
    def claim():
        c = st['cq'].claim(ttl=120, grace=60, limit=2)  # POST /queues/{name}/claims?limit=2
        check(c.id, 'claim without id')
        msgs = list(c)
        check_eq([msg_id(m) for m in msgs], ids[:2], 'claimed ids')
        check_eq([m.body for m in msgs], BODIES[:2], 'claimed bodies')
        for m in msgs:
            check_eq(m.claim_id, c.id, 'claim id in claimed message href %r' % m.href)
        st['claim'] = c
        st['claimed'] = msgs
    if not s('claim create (limit 2)', claim):
        return

    def stats_claimed():
        m = queue_stats(st['q'])
        check_eq((m['free'], m['claimed'], m['total']), (1, 2, 3), 'stats free/claimed/total')
    s('stats (2 claimed)', stats_claimed)

    def claim_get():
        c = st['cq'].claim(id=st['claim'].id)  # no request yet
        check_eq(c.ttl, 120, 'claim ttl')  # GET /queues/{name}/claims/{id}
        check(isinstance(c._age, int) and c._age >= 0, 'claim age %r' % (c._age,))
        check_eq(sorted(msg_id(m) for m in c), sorted(ids[:2]), 'messages of the claim')
    s('claim get', claim_get)

    def claim_update():
        st['claim'].update(ttl=180, grace=90)  # PATCH
        fresh = st['cq'].claim(id=st['claim'].id)
        check_eq(fresh.ttl, 180, 'claim ttl after update')
    s('claim update (renew)', claim_update)

    def claimed_hidden():
        got = list(st['cq'].messages())
        check_eq([msg_id(m) for m in got], ids[2:], 'listing without include_claimed')
        got = list(st['cq'].messages(include_claimed=True))
        check_eq([msg_id(m) for m in got], ids, 'listing with include_claimed')
    s('message list hides claimed', claimed_hidden)

    def delete_claimed_without_claim():
        # A fetched message's href carries ?claim_id= while it is claimed (as in Zaqar 15), so Message.delete() would
        # send the claim; send the bare DELETE through the client's transport instead.
        req, trans = consumer._request_and_transport()
        expect_error(zerrors.ForbiddenError, lambda: v1core.message_delete(trans, req, qname, ids[0]),
                     'delete claimed message without claim_id')
    s('delete claimed message without claim -> 403', delete_claimed_without_claim)

    def delete_with_claim():
        st['claimed'][0].delete()  # DELETE .../messages/{id}?claim_id=...
        expect_error(zerrors.ResourceNotFound, lambda: st['q'].message(ids[0]), 'get deleted message')
    s('message delete with claim', delete_with_claim)

    def claim_release():
        st['claim'].delete()  # DELETE /queues/{name}/claims/{id}
        m = queue_stats(st['q'])
        check_eq((m['free'], m['claimed'], m['total']), (2, 0, 2), 'stats after release')
        expect_error(zerrors.ResourceNotFound, lambda: st['cq'].claim(id=st['claim'].id).ttl, 'get released claim')
        got = list(st['cq'].messages())
        check_eq([msg_id(m) for m in got], ids[1:], 'listing after release')
    s('claim delete (release)', claim_release)

    def claim_nothing():
        cq = st['cq']
        c1 = cq.claim(ttl=60, grace=60, limit=20)
        check_eq(sorted(msg_id(m) for m in c1), sorted(ids[1:]), 'claimed everything left')
        empty = cq.claim(ttl=60, grace=60, limit=20)  # 204: nothing to claim
        check_eq(list(empty), [], 'claim on a fully claimed queue')
        c1.delete()
    s('claim when nothing is free -> empty', claim_nothing)

    # --- deletes, pop
    def delete_one():
        st['q'].message(ids[2]).delete()  # DELETE .../messages/{id}
        expect_error(zerrors.ResourceNotFound, lambda: st['q'].message(ids[2]), 'get deleted message')
    s('message delete', delete_one)

    def delete_many():
        extra = ids_of(st['q'].post([{'body': {'extra': i}, 'ttl': 600} for i in range(2)]))
        st['q'].delete_messages(*extra)  # DELETE .../messages?ids=a,b
        expect_error(zerrors.ResourceNotFound, lambda: list(st['q'].messages(*extra)), 'get many deleted ids')
    s('message delete many (ids)', delete_many)

    def pop():
        more = [{'popped': 1}, {'popped': 2}]
        new_ids = ids_of(st['q'].post([{'body': b, 'ttl': 600} for b in more]))
        got = list(st['cq'].pop(count=5))  # DELETE .../messages?pop=5
        check_eq(sorted(msg_id(m) for m in got), sorted([ids[1]] + new_ids), 'popped ids')
        bodies = sorted((msg_id(m), repr(m.body)) for m in got)
        check_eq(bodies, sorted([(ids[1], repr(BODIES[1]))] + [(i, repr(b)) for i, b in zip(new_ids, more)]),
                 'popped bodies')
        m = queue_stats(st['q'])
        check_eq(m['total'], 0, 'messages left after pop')
    s('message pop', pop)

    def queue_delete():
        st['q'].delete()
        if version < 2:
            producer.queue(meta_qname, auto_create=False).delete()
        names, _ = list_queue_names(producer, version, limit=20)
        check(qname not in names, 'deleted queue still listed')
    s('queue delete', queue_delete)


# ---------------------------------------------------------------- subscriptions (v2)

def confirm_subscription(url, client_id, queue, subscription_id, confirmed):
    # zaqarclient has no call for PUT .../confirm, so this one request goes out through urllib.
    import json
    import urllib.request
    request = urllib.request.Request(
        '%s/v2/queues/%s/subscriptions/%s/confirm' % (url, queue, subscription_id),
        data=json.dumps({'confirmed': confirmed}).encode(), method='PUT',
        headers={'Client-ID': client_id, 'X-Project-ID': PROJECT, 'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def run_subscriptions(r, url):
    tag = uuid.uuid4().hex[:8]
    qname = 'interop-subs-%s' % tag
    cli = make_client(url, 2)
    st = {}

    def s(name, fn):
        return r.step('v2 subscriptions %s' % name, fn)

    def create():
        sub = cli.subscription(qname, subscriber='http://127.0.0.1:9/hook', ttl=600, options={'k': [1, 2]})
        check(sub.id, 'no subscription id returned')
        check_eq(sub.subscriber, 'http://127.0.0.1:9/hook', 'subscriber')
        check_eq(sub.ttl, 600, 'ttl')
        check_eq(sub.options, {'k': [1, 2]}, 'options')
        check_eq(sub.confirmed, False, 'confirmed')
        check(isinstance(sub.age, int), 'age is not an integer: %r' % (sub.age,))
        st['sub'] = sub
    if not s('create and get', create):
        return

    def duplicate_unconfirmed():
        again = cli.subscription(qname, subscriber='http://127.0.0.1:9/hook', ttl=600)
        check_eq(again.id, st['sub'].id, 'id of an unconfirmed duplicate')
    s('duplicate of an unconfirmed subscriber returns it', duplicate_unconfirmed)

    def listing():
        st['more'] = [cli.subscription(qname, subscriber='mailto:n%d@example.test' % i, ttl=300) for i in range(3)]
        ids = [x.id for x in cli.subscriptions(qname, limit=2).stream()]
        check_eq(ids, [st['sub'].id] + [x.id for x in st['more']], 'ids listed across pages')
    s('list pages through next links', listing)

    def update():
        st['sub'].update({'subscriber': 'https://127.0.0.1:9/other', 'ttl': 900, 'options': {'k': 'v'}})
        fresh = cli.subscription(qname, id=st['sub'].id, auto_create=True)
        check_eq((fresh.subscriber, fresh.ttl, fresh.options), ('https://127.0.0.1:9/other', 900, {'k': 'v'}), 'updated fields')
    s('update', update)

    def conflict():
        expect_error(zerrors.ConflictError, lambda: st['more'][0].update({'subscriber': 'https://127.0.0.1:9/other'}),
                     'update to a taken subscriber')
        check_eq(confirm_subscription(url, cli.client_uuid, qname, st['sub'].id, True), 204, 'confirm status')
        fresh = cli.subscription(qname, id=st['sub'].id, auto_create=True)
        check_eq(fresh.confirmed, True, 'confirmed after PUT .../confirm')
        expect_error(zerrors.ConflictError, lambda: cli.subscription(qname, subscriber='https://127.0.0.1:9/other'),
                     'subscribing a confirmed subscriber again')
    s('conflicts and confirm', conflict)

    def bad_input():
        expect_error(zerrors.MalformedRequest, lambda: cli.subscription(qname, subscriber='ftp://127.0.0.1/x'), 'ftp subscriber')
        expect_error(zerrors.MalformedRequest, lambda: cli.subscription(qname, subscriber='http://127.0.0.1/x', ttl=10), 'ttl 10')
    s('bad input is 400', bad_input)

    def delete():
        st['sub'].delete()
        expect_error(zerrors.ResourceNotFound, lambda: cli.subscription(qname, id=st['sub'].id), 'get after delete')
    s('delete', delete)

    def purge():
        cli.queue(qname, auto_create=False).purge(resource_types=['subscriptions'])
        check_eq([x.id for x in cli.subscriptions(qname)], [], 'subscriptions after purge')
        cli.queue(qname, auto_create=False).delete()
    s('purge', purge)


# ---------------------------------------------------------------- signed URLs (v2)

ZAQAR_DATE_FORMAT = '%Y-%m-%dT%H:%M:%S'


def signed_client(url, signed, project=PROJECT):
    """A v2 client that authenticates only with a signed URL (URL-Signature, URL-Expires, URL-Methods, URL-Paths)."""
    options = {key: signed[key] for key in ('signature', 'expires', 'methods', 'paths')}
    options['os_project_id'] = project  # X-Project-Id, part of what is signed
    conf = {'client_uuid': str(uuid.uuid4()), 'auth_opts': {'backend': 'signed-url', 'options': options}}
    return zclient.Client(url, version=2, conf=conf)


def zaqar_sign(paths, methods, expires_in=600, now=None):
    """Zaqar's create_signed_url with the server's key; with now, as if signed at that (past) time."""
    if now is None:
        expires = datetime.datetime.utcnow() + datetime.timedelta(seconds=expires_in)
        return zaqar_urls.create_signed_url(SIGNED_URL_KEY, list(paths), project=PROJECT,
                                            expires=expires.strftime(ZAQAR_DATE_FORMAT), methods=list(methods))
    # Zaqar refuses to sign an expiry in the past; move its clock back so the URL is well signed but expired now.
    timeutils.set_time_override(now)
    try:
        expires = now + datetime.timedelta(seconds=expires_in)
        return zaqar_urls.create_signed_url(SIGNED_URL_KEY, list(paths), project=PROJECT,
                                            expires=expires.strftime(ZAQAR_DATE_FORMAT), methods=list(methods))
    finally:
        timeutils.clear_time_override()


def zaqar_verifies(signed, key=None):
    return zaqar_urls.verify_signed_headers_data(key or SIGNED_URL_KEY, signed['paths'], signed['project'],
                                                 signed['signature'], signed['methods'], signed['expires'])


def run_signed_urls(r, url):
    label = 'v2 signed URL'
    tag = uuid.uuid4().hex[:8]
    qname = 'interop-signed-' + tag
    other_qname = qname + '-other'
    owner = make_client(url, 2)
    messages_path = '/v2/queues/%s/messages' % qname
    st = {}

    def s(name, fn):
        return r.step('%s %s' % (label, name), fn)

    def total():
        return queue_stats(owner.queue(qname, auto_create=False))['total']

    def setup():
        st['q'] = owner.queue(qname, force_create=True)
        owner.queue(other_qname, force_create=True)
    if not s('queues created (noauth)', setup):
        return

    def zaqar_signed_post():
        signed = zaqar_sign([messages_path], ['POST', 'GET'])
        check_eq(signed['methods'], ['GET', 'POST'], 'methods as Zaqar sorts them')
        q = signed_client(url, signed).queue(qname, auto_create=False)
        result = q.post([{'body': {'signed': 1}, 'ttl': 600}, {'body': 'signed two', 'ttl': 600}])
        st['ids'] = ids_of(result)
        check_eq(len(st['ids']), 2, 'posted resources')
        got = list(st['q'].messages(echo=True))  # the owner sees them
        check_eq([msg_id(m) for m in got], st['ids'], 'ids the owner lists')
        check_eq([m.body for m in got], [{'signed': 1}, 'signed two'], 'bodies the owner lists')
        st['signed'] = signed
    if not s('signed by Zaqar: post through the signed-url backend', zaqar_signed_post):
        return

    def zaqar_signed_list():
        q = signed_client(url, st['signed']).queue(qname, auto_create=False)
        got = list(q.messages(echo=True))
        check_eq([msg_id(m) for m in got], st['ids'], 'listed ids')
        one = q.message(st['ids'][1])  # .../messages/{id} contains the signed path
        check_eq(one.body, 'signed two', 'message got by id')
    s('signed by Zaqar: list and get through the signed-url backend', zaqar_signed_list)

    def refused(signed, what, action='list', project=PROJECT, queue=qname):
        q = signed_client(url, signed, project=project).queue(queue, auto_create=False)
        before = total()
        if action == 'list':
            expect_error(zerrors.ResourceNotFound, lambda: list(q.messages(echo=True)), what)
        else:
            expect_error(zerrors.ResourceNotFound, lambda: q.post([{'body': 'must not land', 'ttl': 600}]), what)
        check_eq(total(), before, 'messages after the refused %s (%s)' % (action, what))

    def tampered():
        signature = st['signed']['signature']
        flipped = signature[:-1] + ('0' if signature[-1] != '0' else '1')
        refused(dict(st['signed'], signature=flipped), 'tampered signature (list)')
        refused(dict(st['signed'], signature=flipped), 'tampered signature (post)', action='post')
        # The signature covers every header: widening the methods or changing the expiry breaks it too.
        refused(dict(st['signed'], methods=['DELETE', 'GET', 'POST']), 'methods header widened', action='post')
        later = (datetime.datetime.utcnow() + datetime.timedelta(days=2)).strftime(ZAQAR_DATE_FORMAT)
        refused(dict(st['signed'], expires=later), 'expiry header extended')
    s('tampered signature or headers -> 404 (ResourceNotFound)', tampered)

    def wrong_method():
        get_only = zaqar_sign([messages_path], ['GET'])
        check(zaqar_verifies(get_only), 'Zaqar does not verify its own GET-only signature')
        list(signed_client(url, get_only).queue(qname, auto_create=False).messages(echo=True))  # GET is allowed
        refused(get_only, 'POST with a GET-only signature', action='post')
    s('method not signed -> 404 (ResourceNotFound)', wrong_method)

    def expired():
        two_hours_ago = datetime.datetime.utcnow() - datetime.timedelta(hours=2)
        old = zaqar_sign([messages_path], ['GET', 'POST'], expires_in=600, now=two_hours_ago)
        refused(old, 'URL expired an hour and 50 minutes ago')
        refused(old, 'URL expired an hour and 50 minutes ago', action='post')
    s('expired URL -> 404 (ResourceNotFound)', expired)

    def misused():
        refused(st['signed'], 'signed for another queue', queue=other_qname, action='post')
        refused(st['signed'], 'signed for another project', project='interop-other-' + tag, action='post')
    s('another queue or project -> 404 (ResourceNotFound)', misused)

    def share_verifies():
        share = st['q'].signed_url(paths=['messages'], ttl_seconds=600, methods=['POST', 'GET'])
        check_eq(share.get('project'), PROJECT, 'share project')
        check_eq(share.get('paths'), [messages_path], 'share paths')
        check_eq(share.get('methods'), ['GET', 'POST'], 'share methods')
        expires = datetime.datetime.strptime(share['expires'], ZAQAR_DATE_FORMAT)
        left = (expires - datetime.datetime.utcnow()).total_seconds()
        check(560 < left <= 601, 'share expires in %.0f s, asked 600' % left)
        check(zaqar_verifies(share), "Zaqar's verify_signed_headers_data rejects the server's signature %r" % share)
        check(not zaqar_verifies(share, key=SIGNED_URL_KEY + 'x'), 'Zaqar verifies the signature with another key')
        same = zaqar_urls.create_signed_url(SIGNED_URL_KEY, share['paths'], project=PROJECT,
                                            expires=share['expires'], methods=share['methods'])
        check_eq(share['signature'], same['signature'], 'signature Zaqar computes for the same share')
        st['share'] = share
    if not s('share (queue.signed_url) verified by Zaqar', share_verifies):
        return

    def share_used():
        q = signed_client(url, st['share']).queue(qname, auto_create=False)
        new_ids = ids_of(q.post([{'body': {'shared': True}, 'ttl': 600}]))
        got = list(q.messages(echo=True))
        check_eq([msg_id(m) for m in got], st['ids'] + new_ids, 'ids listed with the shared URL')
        check_eq(got[-1].body, {'shared': True}, 'body posted with the shared URL')
    s('share (queue.signed_url) accepted by the server through the signed-url backend', share_used)

    def share_defaults():
        share = st['q'].signed_url()  # Zaqar's defaults: GET on messages for a day
        check_eq((share.get('paths'), share.get('methods')), ([messages_path], ['GET']), 'default paths and methods')
        check(zaqar_verifies(share), "Zaqar rejects the server's default share %r" % share)
        got = list(signed_client(url, share).queue(qname, auto_create=False).messages(echo=True))
        check_eq(len(got), 3, 'messages listed with the default share')
        refused(share, 'POST with the default (GET-only) share', action='post')
    s('share with defaults (GET on messages, one day)', share_defaults)

    def cleanup():
        st['q'].delete()
        owner.queue(other_qname, auto_create=False).delete()
    s('queues deleted', cleanup)


def run_v1(r, url):
    """API v1 through zaqarclient's v1 client: explicit queues, the metadata resource, bare-array posts and claims."""
    tag = uuid.uuid4().hex[:8]
    qname = 'interop-v1-' + tag
    producer = make_client(url, 1)
    consumer = make_client(url, 1)
    st = {}

    def s(name, fn):
        return r.step('v1 %s' % name, fn)

    s('health', lambda: check(producer.health() is True, 'GET /v1/health did not answer 204'))

    def create():
        st['q'] = producer.queue(qname)  # v1 auto_create: PUT /v1/queues/{name}
        st['cq'] = consumer.queue(qname, auto_create=False)
        check(st['q'].exists() is True, 'HEAD of a created queue')  # HEAD /v1/queues/{name}: 204
        check(producer.queue(qname + '-missing', auto_create=False).exists() is False, 'HEAD of a missing queue')
    if not s('queue create and exists (HEAD)', create):
        return

    meta = {'color': 'red', 'nested': {'k': [1, 2]}}

    def metadata():
        st['q'].metadata(new_meta=dict(meta))  # PUT /v1/queues/{name}/metadata
        check_eq(st['q'].metadata(force_reload=True), meta, 'metadata')  # GET .../metadata
        st['q'].metadata(new_meta={'color': 'blue'})  # PUT replaces
        check_eq(st['q'].metadata(force_reload=True), {'color': 'blue'}, 'metadata after replace')
        expect_error(zerrors.MalformedRequest, lambda: st['q'].metadata(new_meta={'_default_message_ttl': 60}),
                     'reserved metadata key on v1')
        missing = producer.queue(qname + '-missing', auto_create=False)
        expect_error(zerrors.ResourceNotFound, lambda: missing.metadata(force_reload=True), 'metadata of a missing queue')
    s('queue metadata (PUT replaces, GET, reserved keys refused)', metadata)

    def listing():
        names = [q.name for q in producer.queues(limit=20)]
        check(qname in names, '%s missing from listing %r' % (qname, names))
        other = zclient.Client(url, version=1, conf={
            'client_uuid': str(uuid.uuid4()),
            'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': 'interop-v1-other-' + tag}}})
        check_eq([q.name for q in other.queues()], [], 'listing of another project (204)')
    s('queue list (empty project answers 204)', listing)

    def stats_empty():
        check_eq(queue_stats(st['q']), {'claimed': 0, 'free': 0, 'total': 0}, 'stats of an empty queue')
        missing = producer.queue(qname + '-missing', auto_create=False)
        expect_error(zerrors.ResourceNotFound, lambda: missing.stats, 'stats of a missing queue')
    s('stats (empty, missing queue -> 404)', stats_empty)

    def post():
        result = st['q'].post([{'body': b, 'ttl': 600} for b in BODIES])  # bare array
        check_eq(result.get('partial'), False, 'partial')
        ids = ids_of(result)
        check_eq(len(set(ids)), 3, 'distinct message ids')
        check(all('/v1/queues/%s/messages/' % qname in h for h in result['resources']), 'hrefs %r' % result)
        st['ids'] = ids
        missing = producer.queue(qname + '-missing', auto_create=False)
        expect_error(zerrors.ResourceNotFound, lambda: missing.post({'body': 1, 'ttl': 60}), 'post to a missing queue')
    if not s('message post (batch of 3; missing queue -> 404)', post):
        return
    ids = st['ids']

    def stats_posted():
        m = queue_stats(st['q'])
        check_eq((m['free'], m['claimed'], m['total']), (3, 0, 3), 'stats free/claimed/total')
        check(m['oldest']['href'].endswith(ids[0]) and m['newest']['href'].endswith(ids[2]), 'oldest/newest %r' % m)
    s('stats (3 posted)', stats_posted)

    def listing_messages():
        check_eq(list(st['q'].messages()), [], 'own messages without echo (204)')
        got = list(st['q'].messages(echo=True))
        check_eq([msg_id(m) for m in got], ids, 'listed ids')
        check_eq([m.body for m in got], BODIES, 'listed bodies')
        check_eq([msg_id(m) for m in st['cq'].messages(limit=2)], ids[:2], 'first page (limit 2)')
    s('message list (echo, other client, limit)', listing_messages)

    def get_messages():
        m = st['q'].message(ids[1])
        check_message(m, ids[1], BODIES[1], 'message')
        check_eq(m.ttl, 600, 'message ttl')
        got = list(st['q'].messages(ids[0], ids[2]))  # bare array
        check_eq(sorted(msg_id(x) for x in got), sorted([ids[0], ids[2]]), 'ids from get many')
        expect_error(zerrors.ResourceNotFound, lambda: st['q'].message('5f0f0f0f0f0f0f0f0f0f0f0f'), 'get missing id')
    s('message get, get many, missing -> 404', get_messages)

    def claim():
        c = st['cq'].claim(ttl=120, grace=60, limit=2)  # bare array of claimed messages
        check(c.id, 'claim without id')
        msgs = list(c)
        check_eq([msg_id(m) for m in msgs], ids[:2], 'claimed ids')
        check(all(m.claim_id == c.id for m in msgs), 'claim id in claimed hrefs')
        check_eq(queue_stats(st['q'])['claimed'], 2, 'claimed count')
        fresh = st['cq'].claim(id=c.id)
        check_eq(fresh.ttl, 120, 'claim ttl')  # GET .../claims/{id}
        check_eq(sorted(msg_id(m) for m in fresh), sorted(ids[:2]), 'messages of the claim')
        c.update(ttl=180, grace=90)  # PATCH
        check_eq(st['cq'].claim(id=c.id).ttl, 180, 'claim ttl after update')
        check_eq([msg_id(m) for m in st['cq'].messages()], ids[2:], 'listing hides claimed')
        st['claim'], st['claimed'] = c, msgs
    if not s('claim create, get, update', claim):
        return

    def claimed_deletes():
        req, trans = consumer._request_and_transport()
        expect_error(zerrors.ForbiddenError, lambda: v1core.message_delete(trans, req, qname, ids[0]),
                     'delete claimed message without claim_id')
        st['claimed'][0].delete()  # its href carries ?claim_id=
        expect_error(zerrors.ResourceNotFound, lambda: st['q'].message(ids[0]), 'get deleted message')
        st['claim'].delete()
        expect_error(zerrors.ResourceNotFound, lambda: st['cq'].claim(id=st['claim'].id).ttl, 'get released claim')
        rest = st['cq'].claim(ttl=60, grace=60, limit=20)
        check_eq(sorted(msg_id(m) for m in rest), sorted(ids[1:]), 'claimed everything left after release')
        check_eq(list(st['cq'].claim(ttl=60, grace=60)), [], 'claim when nothing is free (204)')
    s('claimed message delete (403 without claim), claim release, empty claim', claimed_deletes)

    def deletes():
        extra = ids_of(st['q'].post([{'body': {'extra': i}, 'ttl': 600} for i in range(2)]))
        st['q'].delete_messages(*extra)  # DELETE .../messages?ids=
        req, trans = producer._request_and_transport()
        check_eq(v1core.message_get_many(trans, req, qname, extra), None, 'get many of deleted ids (204)')
        expect_error(zerrors.MalformedRequest, lambda: list(st['q'].pop(count=1)), 'pop on v1')
        st['q'].delete()
        check(st['q'].exists() is False, 'deleted queue still exists')
    s('message delete many, no pop, queue delete', deletes)


def main():
    r = Runner()
    server = Server()
    try:
        try:
            server.start()
        except Exception as ex:  # noqa: BLE001
            r.failed += 1
            print('FAIL server start: %s' % ex, flush=True)
        else:
            r.passed += 1
            print('PASS server start', flush=True)
            for version in (2, 1.1):
                run_version(r, server.url, version)
                if version >= 2:
                    run_signed_urls(r, server.url)
            run_subscriptions(r, server.url)
            run_v1(r, server.url)
    finally:
        code = server.stop()
        if code == 0:
            r.passed += 1
            print('PASS server exits 0 on SIGTERM', flush=True)
        else:
            r.failed += 1
            print('FAIL server exits 0 on SIGTERM: exit code %s' % ('killed after %d s' % SHUTDOWN_TIMEOUT
                                                                     if code is None else code), flush=True)
        if r.failed:
            server.dump_log()
        server.cleanup()
    print('%d passed, %d failed' % (r.passed, r.failed), flush=True)
    return 1 if r.failed else 0


if __name__ == '__main__':
    sys.exit(main())
