#!/usr/bin/env python3
"""Side-by-side comparison of Marconi.Server with a reference Zaqar server.

Usage:
  python3 interop/compare_with_zaqar.py --ours http://127.0.0.1:8888 --theirs http://127.0.0.1:8889

Runs the SAME sequence of requests (v2 and v1.1: home documents, ping, health, queues, metadata patching, stats,
purge, pre-signed URLs, messages, claims, subscriptions, header and method errors) against both servers, with fresh
random queue names and one project id / Client-ID per run, each side keeping its own message, claim and
subscription ids. For every request it compares:
  - the status code (when they differ, both error titles/descriptions are printed and nothing else is compared),
  - the presence of the Location, Content-Location and Content-Type headers, the Content-Type media type, the
    Allow header's method set, and the Location value with ids and queue names masked,
  - the JSON body's shape: the set of keys at every level (for lists, the union of the items' keys), the value
    types, list lengths, and strings that look like API paths (hrefs) with ids, queue names and markers masked.
Ids, ages, timestamps and description texts are not compared.

It prints one line per difference, `DIFF <method> <path> <what>: ours=... theirs=...`, and closes with
`compare: N requests, D differences`. It is a diagnostic tool, not a test: it always exits 0.

The reference server: Debian's zaqar-server 15 (python3-zaqar) with the redis driver, noauth, admin_mode = true
(so /health is routed) and enable_deprecated_api_versions = 1.1 (so /v1.1 is routed), listening on loopback.
Subscriber URLs used here point at 127.0.0.1 port 9 (nothing listens there), so no notification leaves the host.
"""

import argparse
import datetime
import http.client
import json
import re
import sys
import urllib.parse
import uuid

TIMEOUT = 15


class Missing(str):
    """Stands in for a per-side value that an earlier request did not yield (so the path still forms)."""

    def __getitem__(self, i):
        return Missing('missing')


class State(dict):
    def __missing__(self, key):
        return Missing('missing')


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names -> value
        self.body = body
        self.json = None
        self.is_json = False
        if body:
            try:
                self.json = json.loads(body.decode('utf-8'))
                self.is_json = True
            except (ValueError, UnicodeDecodeError):
                pass

    def desc(self):
        if isinstance(self.json, dict):
            t = self.json.get('title')
            d = self.json.get('description')
            if t is not None or d is not None:
                return '%r/%r' % (t, d)
        text = self.body[:160].decode('utf-8', 'replace') if self.body else ''
        return repr(text)


class Side:
    def __init__(self, name, base):
        self.name = name
        u = urllib.parse.urlsplit(base)
        self.scheme = u.scheme or 'http'
        self.host = u.hostname
        self.port = u.port or (443 if self.scheme == 'https' else 80)
        self.state = State()

    def send(self, method, path, body, headers):
        cls = http.client.HTTPSConnection if self.scheme == 'https' else http.client.HTTPConnection
        conn = cls(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader('Content-Length', str(len(body)))
            conn.endheaders()
            if body is not None:
                conn.send(body)
            r = conn.getresponse()
            data = r.read()
            hdrs = {}
            for k, v in r.getheaders():
                hdrs[k.lower()] = v
            return Resp(r.status, hdrs, data)
        except Exception as ex:  # connection trouble is reported as a pseudo status
            return Resp(0, {}, ('%s: %s' % (type(ex).__name__, ex)).encode())
        finally:
            conn.close()


UUID_RE = re.compile(r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')
HEX_RE = re.compile(r'(?<![0-9a-zA-Z])[0-9a-fA-F]{24}(?![0-9a-zA-Z])')


class Compare:
    def __init__(self, ours, theirs, project, client_id, run_id):
        self.sides = [Side('ours', ours), Side('theirs', theirs)]
        self.project = project
        self.client_id = client_id
        self.run_id = run_id
        self.requests = 0
        self.diffs = 0

    # ---- masking of per-side values in paths -------------------------------------------------------------------
    def mask(self, s):
        if not isinstance(s, str):
            return s
        parts = urllib.parse.urlsplit(s)
        path = parts.path
        path = path.replace(self.project, '{project}')
        path = UUID_RE.sub('{id}', path)
        path = HEX_RE.sub('{id}', path)
        path = re.sub(r'cmp%s[a-z0-9_-]*' % self.run_id, '{q}', path)
        q = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        masked = []
        for k, v in q:
            if k in ('marker', 'ids', 'claim_id'):
                v = '{%s}' % k
            masked.append((k, v))
        masked.sort()
        out = path
        if masked:
            out += '?' + '&'.join('%s=%s' % kv for kv in masked)
        return out

    # ---- shapes --------------------------------------------------------------------------------------------------
    def shape(self, v):
        if isinstance(v, dict):
            return {'#': 'object', 'k': {k: self.shape(x) for k, x in v.items()}}
        if isinstance(v, list):
            item = None
            for x in v:
                item = self.merge(item, self.shape(x))
            return {'#': 'array', 'item': item}
        if isinstance(v, bool):
            return {'#': 'bool'}
        if isinstance(v, int):
            return {'#': 'int'}
        if isinstance(v, float):
            return {'#': 'float'}
        if v is None:
            return {'#': 'null'}
        if isinstance(v, str) and v.startswith('/v') and len(v) < 400:
            return {'#': 'string', 'paths': {self.mask(v)}}
        return {'#': 'string'}

    def merge(self, a, b):
        if a is None:
            return b
        if b is None:
            return a
        if a['#'] != b['#']:
            types = set(a['#'].split('|')) | set(b['#'].split('|'))
            return {'#': '|'.join(sorted(types))}
        t = a['#']
        if t == 'object':
            keys = dict(a['k'])
            for k, x in b['k'].items():
                keys[k] = self.merge(keys.get(k), x)
            return {'#': 'object', 'k': keys}
        if t == 'array':
            return {'#': 'array', 'item': self.merge(a['item'], b['item'])}
        if t == 'string':
            paths = set(a.get('paths', ())) | set(b.get('paths', ()))
            return {'#': 'string', 'paths': paths} if paths else {'#': 'string'}
        return a

    def cmp_shape(self, where, at, a, b):
        if a is None or b is None:
            if (a is None) != (b is None):
                self.diff(where, 'array items at %s' % at, 'none' if a is None else a['#'],
                          'none' if b is None else b['#'])
            return
        if a['#'] != b['#']:
            self.diff(where, 'type at %s' % at, a['#'], b['#'])
            return
        t = a['#']
        if t == 'object':
            ka, kb = set(a['k']), set(b['k'])
            if ka - kb or kb - ka:
                self.diff(where, 'keys at %s' % at, 'extra %s' % sorted(ka - kb) if ka - kb else '-',
                          'extra %s' % sorted(kb - ka) if kb - ka else '-')
            for k in sorted(ka & kb):
                self.cmp_shape(where, '%s.%s' % (at, k), a['k'][k], b['k'][k])
        elif t == 'array':
            self.cmp_shape(where, at + '[]', a['item'], b['item'])
        elif t == 'string':
            pa, pb = a.get('paths', set()), b.get('paths', set())
            if pa and pb and pa != pb:
                self.diff(where, 'href form at %s' % at, sorted(pa), sorted(pb))

    def cmp_lengths(self, where, at, a, b):
        """List lengths, walking objects only (not into list items)."""
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) & set(b)):
                self.cmp_lengths(where, '%s.%s' % (at, k), a[k], b[k])
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.diff(where, 'list length at %s' % at, len(a), len(b))

    # ---- output --------------------------------------------------------------------------------------------------
    def diff(self, where, what, o, t):
        self.diffs += 1
        print('DIFF %s %s: ours=%s theirs=%s' % (where, what, o, t))
        sys.stdout.flush()

    # ---- one request on both sides ---------------------------------------------------------------------------------
    def do(self, method, path, body=None, headers=None, omit=(), ctype='application/json', save=None,
           raw=None):
        """path may hold {placeholders} from each side's state; body may be a callable(state).
        Returns (ours, theirs) responses."""
        self.requests += 1
        where = '%s %s' % (method, path)
        tags = ['no %s' % k for k in omit]
        if headers and not callable(headers):
            tags += ['%s: %s' % (k, v if len(v) < 40 else v[:20] + '...(%d chars)' % len(v))
                     for k, v in headers.items()]
        elif headers:
            tags.append('%s headers' % getattr(headers, '__name__', 'computed'))
        if raw is not None:
            tags.append('body %r' % raw[:30])
        elif body is not None and not callable(body):
            b = json.dumps(body)
            tags.append('body ' + (b if len(b) <= 70 else b[:60] + '...(%d chars)' % len(b)))
        if ctype != 'application/json' and (raw is not None or body is not None):
            tags.append('Content-Type: %s' % ctype)
        if tags:
            where += ' [' + '; '.join(tags) + ']'
        out = []
        for side in self.sides:
            st = side.state
            p = path.format_map(st) if '{' in path else path
            h = {'Client-ID': self.client_id, 'X-Project-ID': self.project, 'Accept': 'application/json'}
            for k in omit:
                h.pop(k, None)
            if headers:
                hh = headers(st) if callable(headers) else headers
                h.update(hh)
            data = None
            if raw is not None:
                data = raw if isinstance(raw, bytes) else raw.encode()
            elif body is not None:
                b = body(st) if callable(body) else body
                data = json.dumps(b).encode()
            if data is not None and ctype:
                h.setdefault('Content-Type', ctype)
            r = side.send(method, p, data, h)
            if save:
                try:
                    save(st, r)
                except Exception as ex:
                    print('NOTE %s %s: could not read the %s answer (%s: %s)' % (
                        where, side.name, side.name, type(ex).__name__, ex))
            out.append(r)
        self.compare(where, out[0], out[1])
        return out[0], out[1]

    def compare(self, where, o, t):
        for r in (o, t):
            if r.status >= 500 or r.status == 0:
                who = 'ours' if r is o else 'theirs'
                print('NOTE %s %s answered %s: %s' % (where, who, r.status, r.desc()))
        if o.status != t.status:
            self.diff(where, 'status', '%s %s' % (o.status, o.desc()), '%s %s' % (t.status, t.desc()))
            return
        for hname in ('location', 'content-location', 'content-type'):
            if (hname in o.headers) != (hname in t.headers):
                self.diff(where, 'header %s' % hname, o.headers.get(hname, '(absent)'),
                          t.headers.get(hname, '(absent)'))
        if 'content-type' in o.headers and 'content-type' in t.headers:
            mo = o.headers['content-type'].split(';')[0].strip().lower()
            mt = t.headers['content-type'].split(';')[0].strip().lower()
            if mo != mt:
                self.diff(where, 'content-type', mo, mt)
        if 'location' in o.headers and 'location' in t.headers:
            lo, lt = self.mask(self.pathonly(o.headers['location'])), self.mask(self.pathonly(t.headers['location']))
            if lo != lt:
                self.diff(where, 'location form', lo, lt)
        if o.status == 405 or 'allow' in o.headers or 'allow' in t.headers:
            ao = self.methods(o.headers.get('allow'))
            at = self.methods(t.headers.get('allow'))
            if ao != at:
                self.diff(where, 'header allow', ao or '(absent)', at or '(absent)')
        if bool(o.body) != bool(t.body):
            self.diff(where, 'body', 'empty' if not o.body else '%d bytes' % len(o.body),
                      'empty' if not t.body else '%d bytes' % len(t.body))
            return
        if not o.body:
            return
        if o.is_json != t.is_json:
            self.diff(where, 'body json', o.is_json, t.is_json)
            return
        if not o.is_json:
            return
        self.cmp_shape(where, '$', self.shape(o.json), self.shape(t.json))
        self.cmp_lengths(where, '$', o.json, t.json)

    @staticmethod
    def pathonly(url):
        u = urllib.parse.urlsplit(url)
        return u.path + ('?' + u.query if u.query else '')

    @staticmethod
    def methods(allow):
        if not allow:
            return None
        return ','.join(sorted({m.strip().upper() for m in allow.split(',') if m.strip()}))


# ---- helpers for saving per-side state ------------------------------------------------------------------------------

def last_seg(url):
    return urllib.parse.urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1]


def save_msg_ids(key):
    def f(st, r):
        st[key] = [last_seg(x) for x in r.json['resources']]
    return f


def save_location_id(key):
    def f(st, r):
        st[key] = last_seg(r.headers['location'])
    return f


def save_claim(key):
    def f(st, r):
        st[key] = last_seg(r.headers['location'])
        msgs = r.json['messages'] if isinstance(r.json, dict) else r.json
        st[key + '_msgs'] = [m['id'] for m in msgs]
    return f


def save_next_marker(key):
    def f(st, r):
        st[key] = ''
        for link in r.json.get('links', []):
            if link.get('rel') == 'next':
                q = urllib.parse.parse_qs(urllib.parse.urlsplit(link['href']).query)
                st[key] = q.get('marker', [''])[0]
    return f


# ---- the scenario ---------------------------------------------------------------------------------------------------

def run(c):
    rid = c.run_id
    qa, qb, qm, qc, qs, qv, qx = ('cmp%s%s' % (rid, x) for x in ('a', 'b', 'm', 'c', 's', 'v', 'x'))
    PATCH_CT = 'application/openstack-messaging-v2.0-json-patch'
    HOOK = 'http://127.0.0.1:9/hook'
    HOOK2 = 'http://127.0.0.1:9/hook2'

    # -- versions, home documents, ping, health --
    c.do('GET', '/')
    c.do('GET', '/', omit=('Client-ID', 'X-Project-ID'))
    c.do('GET', '/v2')
    c.do('GET', '/v2/')
    c.do('GET', '/v2/', headers={'Accept': 'application/json-home'})
    c.do('GET', '/v1.1')
    c.do('GET', '/v1.1/')
    c.do('GET', '/v3/')
    c.do('GET', '/v2/ping')
    c.do('HEAD', '/v2/ping')
    c.do('GET', '/v2/ping', omit=('Client-ID',))
    c.do('GET', '/v2/health')
    c.do('HEAD', '/v2/health')
    c.do('GET', '/v1.1/ping')
    c.do('HEAD', '/v1.1/ping')
    c.do('GET', '/v1.1/health')
    c.do('HEAD', '/v1.1/health')

    # -- headers: Client-ID, X-Project-ID, Accept --
    c.do('GET', '/v2/queues', omit=('Client-ID',))
    c.do('GET', '/v2/queues', headers={'Client-ID': 'not-a-uuid'})
    c.do('GET', '/v2/queues', headers={'Client-ID': ''})
    c.do('GET', '/v2/queues', omit=('X-Project-ID',))
    c.do('GET', '/v2/queues', headers={'X-Project-ID': ''})
    c.do('GET', '/v2/queues', headers={'X-Project-ID': 'p' * 257})
    c.do('GET', '/v2/queues', headers={'Accept': 'text/plain'})
    c.do('GET', '/v2/queues', headers={'Accept': 'application/xml'})
    c.do('GET', '/v2/queues', headers={'Accept': '*/*'})
    c.do('GET', '/v2/queues', headers={'Accept': 'text/html, application/*;q=0.5'})
    c.do('GET', '/v2/queues', omit=('Accept',))
    c.do('POST', '/v2/queues/%s/messages' % qa, body={'messages': [{'body': 1}]}, omit=('Client-ID',))
    c.do('POST', '/v2/queues/%s/messages' % qa, body={'messages': [{'body': 1}]},
         headers={'Client-ID': 'not-a-uuid'})
    c.do('GET', '/v1.1/queues', omit=('Client-ID',))
    c.do('GET', '/v1.1/queues', omit=('X-Project-ID',))
    c.do('GET', '/v1.1/queues', headers={'Accept': 'text/plain'})

    # -- unknown / unsupported methods --
    c.do('FOO', '/v2/queues')
    c.do('PATCH', '/v2/queues', body=[])
    c.do('POST', '/v2/queues', body={})
    c.do('DELETE', '/v2/ping')
    c.do('POST', '/v2/queues/%s/stats' % qa, body={})
    c.do('PUT', '/v2/queues/%s/messages' % qa, body={})
    c.do('POST', '/v2/queues/%s/claims/abc' % qa, body={})
    c.do('GET', '/v2/queues/%s/purge' % qa)
    c.do('GET', '/v2/queues/%s/share' % qa)
    c.do('DELETE', '/v1.1/queues')
    c.do('PATCH', '/v1.1/queues/%s' % qa, body=[])
    c.do('GET', '/v2/nothing-here')

    # -- queues (v2) --
    c.do('PUT', '/v2/queues/%s' % qa)
    c.do('PUT', '/v2/queues/%s' % qa)
    c.do('PUT', '/v2/queues/%s' % qb, body={'color': 'red', 'n': 1, '_default_message_ttl': 3600})
    c.do('PUT', '/v2/queues/%s' % qc, body={})
    c.do('PUT', '/v2/queues/%s' % qv, body={'_default_message_delay': 5, '_max_messages_post_size': 1024})
    c.do('PUT', '/v2/queues/bad%20name%21')
    c.do('PUT', '/v2/queues/' + 'x' * 65)
    c.do('PUT', '/v2/queues/' + 'y' * 64)
    c.do('DELETE', '/v2/queues/' + 'y' * 64)
    c.do('PUT', '/v2/queues/%s-x' % qa, raw='not json')
    c.do('PUT', '/v2/queues/%s-x' % qa, body=[1, 2])
    c.do('PUT', '/v2/queues/%s-x' % qa, body={'big': 'z' * 70000})
    c.do('PUT', '/v2/queues/%s-x' % qa, body={'_default_message_ttl': 30})
    c.do('PUT', '/v2/queues/%s-x' % qa, body={'_default_message_ttl': 'abc'})
    c.do('PUT', '/v2/queues/%s-x' % qa, body={'_max_messages_post_size': 0})
    c.do('PUT', '/v2/queues/%s-x' % qa, body={'_default_message_delay': 1000})
    c.do('GET', '/v2/queues/%s' % qa)
    c.do('GET', '/v2/queues/%s' % qb)
    c.do('GET', '/v2/queues/%s-missing' % qa)
    c.do('GET', '/v2/queues/bad%20name')
    c.do('GET', '/v2/queues')
    c.do('GET', '/v2/queues?limit=2', save=save_next_marker('qmarker'))
    c.do('GET', '/v2/queues?limit=2&marker={qmarker}')
    c.do('GET', '/v2/queues?marker=%s' % qa)
    c.do('GET', '/v2/queues?limit=0')
    c.do('GET', '/v2/queues?limit=1001')
    c.do('GET', '/v2/queues?limit=abc')
    c.do('GET', '/v2/queues?detailed=true')
    c.do('GET', '/v2/queues?detailed=false')
    c.do('GET', '/v2/queues?detailed=maybe')
    c.do('GET', '/v2/queues?with_count=true')
    c.do('GET', '/v2/queues?name=%s' % qb)
    c.do('GET', '/v2/queues?name=%s&detailed=true&with_count=true' % qb)
    c.do('GET', '/v2/queues?name=zz-no-such-queue')

    # -- queue metadata PATCH (v2) --
    qbp = '/v2/queues/%s' % qb
    c.do('PATCH', qbp, body=[{'op': 'add', 'path': '/metadata/k', 'value': 'v'}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'replace', 'path': '/metadata/color', 'value': 'blue'}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'remove', 'path': '/metadata/k'}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'remove', 'path': '/metadata/not-there'}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'replace', 'path': '/metadata/not-there', 'value': 1}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'move', 'path': '/metadata/color', 'from': '/metadata/n'}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'add', 'path': '/other/k', 'value': 1}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'add', 'path': '/metadata/k'}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'path': '/metadata/k', 'value': 1}], ctype=PATCH_CT)
    c.do('PATCH', qbp, body={'op': 'add', 'path': '/metadata/k', 'value': 1}, ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'add', 'path': '/metadata/_default_message_ttl', 'value': 10}],
         ctype=PATCH_CT)
    c.do('PATCH', qbp, raw='not json', ctype=PATCH_CT)
    c.do('PATCH', qbp, body=[{'op': 'add', 'path': '/metadata/k', 'value': 'v'}])
    c.do('PATCH', qbp, body=[{'op': 'add', 'path': '/metadata/k', 'value': 'v'}], ctype='text/plain')
    c.do('PATCH', '/v2/queues/%s-missing' % qa, body=[{'op': 'add', 'path': '/metadata/k', 'value': 'v'}],
         ctype=PATCH_CT)
    c.do('GET', qbp)

    # -- stats, purge, share (v2) --
    c.do('GET', '/v2/queues/%s/stats' % qa)
    c.do('GET', '/v2/queues/%s-missing/stats' % qa)
    c.do('POST', '/v2/queues/%s/purge' % qa, body={'resource_types': ['messages']})
    c.do('POST', '/v2/queues/%s/purge' % qa, body={'resource_types': ['messages', 'subscriptions']})
    c.do('POST', '/v2/queues/%s/purge' % qa, body={})
    c.do('POST', '/v2/queues/%s/purge' % qa, body={'resource_types': ['bogus']})
    c.do('POST', '/v2/queues/%s/purge' % qa, body={'resource_types': 'messages'})
    c.do('POST', '/v2/queues/%s/purge' % qa, raw='not json')
    c.do('POST', '/v2/queues/%s-missing/purge' % qa, body={'resource_types': ['messages']})

    future = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%S')
    past = (datetime.datetime.utcnow() - datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%S')

    def save_share(st, r):
        st['share'] = r.json

    c.do('POST', '/v2/queues/%s/share' % qa, body={})
    c.do('POST', '/v2/queues/%s/share' % qa,
         body={'methods': ['GET', 'POST'], 'paths': ['messages'], 'expires': future}, save=save_share)
    c.do('POST', '/v2/queues/%s/share' % qa, body={'methods': ['FOO']})
    c.do('POST', '/v2/queues/%s/share' % qa, body={'paths': ['queues']})
    c.do('POST', '/v2/queues/%s/share' % qa, body={'bogus': 1})
    c.do('POST', '/v2/queues/%s/share' % qa, body={'expires': past})
    c.do('POST', '/v2/queues/%s/share' % qa, body={'expires': 'not-a-date'})
    c.do('POST', '/v2/queues/%s/share' % qa, raw='not json')

    def signed(tamper=False):
        def h(st):
            s = st.get('share') or {}
            sig = s.get('signature', '')
            if tamper and sig:
                sig = ('0' if sig[0] != '0' else '1') + sig[1:]
            return {'URL-Signature': sig, 'URL-Expires': s.get('expires', ''),
                    'URL-Methods': ','.join(s.get('methods', [])), 'URL-Paths': ','.join(s.get('paths', []))}
        h.__name__ = 'tampered' if tamper else 'signed'
        return h

    c.do('GET', '/v2/queues/%s/messages' % qa, headers=signed())
    c.do('GET', '/v2/queues/%s/messages' % qa, headers=signed(tamper=True))
    c.do('DELETE', '/v2/queues/%s/messages?pop=1' % qa, headers=signed())
    c.do('GET', '/v2/queues/%s/stats' % qa, headers=signed())

    # -- messages (v2) --
    mp = '/v2/queues/%s/messages' % qm
    c.do('POST', mp, body={'messages': [{'body': {'n': 1}, 'ttl': 300}, {'body': 'two', 'ttl': 300}]},
         save=save_msg_ids('m12'))
    c.do('POST', mp, body={'messages': [{'body': [3], 'ttl': 300}]}, save=save_msg_ids('m3'))
    # a per-message delay on a queue without _default_message_delay (Zaqar 15 drops the field there),
    # and on one with it (qv); qm itself gets no delayed message, so both sides keep the same messages in it
    c.do('POST', '/v2/queues/%s-d/messages' % qa, body={'messages': [{'body': 'delayed', 'ttl': 300, 'delay': 60}]})
    c.do('GET', '/v2/queues/%s-d/messages?echo=true' % qa)
    c.do('GET', '/v2/queues/%s-d/messages?echo=true&include_delayed=false' % qa)
    c.do('DELETE', '/v2/queues/%s-d' % qa)
    c.do('POST', '/v2/queues/%s/messages' % qv, body={'messages': [{'body': 'delayed', 'ttl': 300, 'delay': 60}]},
         save=save_msg_ids('md'))
    c.do('POST', mp, body={'messages': [{'body': 4}]}, save=save_msg_ids('m4'))
    # error cases on a throwaway queue, so that a post one side accepts does not change the queue used below
    xp = '/v2/queues/%s/messages' % qx
    c.do('POST', xp, body={'messages': []})
    c.do('POST', xp, body=[{'body': 1, 'ttl': 300}])
    c.do('POST', xp, body={'messages': [{'ttl': 300}]})
    c.do('POST', xp, body={'messages': [{'body': 1, 'ttl': 30}]})
    c.do('POST', xp, body={'messages': [{'body': 1, 'ttl': 1209601}]})
    c.do('POST', xp, body={'messages': [{'body': 1, 'ttl': 'abc'}]})
    c.do('POST', xp, body={'messages': [{'body': 1, 'delay': 901}]})
    c.do('POST', xp, body={'messages': [{'body': 1, 'delay': -1}]})
    c.do('POST', xp, body={'messages': [{'body': 1}] * 21})
    c.do('POST', xp, body={'messages': [{'body': 'z' * 270000}]})
    c.do('POST', xp, body={'messages': 'nope'})
    c.do('POST', xp, body={'messages': [1, 2]})
    c.do('POST', xp, raw='not json')
    c.do('POST', xp, raw='')
    c.do('DELETE', '/v2/queues/%s' % qx)
    c.do('POST', '/v2/queues/%s/messages' % qv, body={'messages': [{'body': 'y' * 2000}]})
    c.do('POST', '/v2/queues/%s/messages' % qv, body={'messages': [{'body': 'small'}]},
         save=save_msg_ids('mv'))
    c.do('POST', '/v2/queues/%s-auto/messages' % qa, body={'messages': [{'body': 1}]})
    c.do('GET', '/v2/queues/%s-auto/stats' % qa)
    c.do('DELETE', '/v2/queues/%s-auto' % qa)
    c.do('POST', '/v2/queues/bad%20name/messages', body={'messages': [{'body': 1}]})

    c.do('GET', mp)
    c.do('GET', mp + '?echo=true')
    c.do('GET', mp + '?echo=true&limit=2', save=save_next_marker('mmarker'))
    c.do('GET', mp + '?echo=true&limit=2&marker={mmarker}')
    c.do('GET', mp + '?echo=true&include_delayed=true')
    c.do('GET', mp + '?echo=true&limit=0')
    c.do('GET', mp + '?echo=true&limit=21')
    c.do('GET', mp + '?echo=true&limit=abc')
    c.do('GET', mp + '?echo=maybe')
    c.do('GET', mp + '?echo=true&marker=garbage')
    c.do('GET', '/v2/queues/%s/messages?echo=true' % qv)
    c.do('GET', '/v2/queues/%s/messages?echo=true&include_delayed=true' % qv)
    c.do('GET', '/v2/queues/%s-missing/messages?echo=true' % qa)
    c.do('GET', mp + '?ids={m12[0]},{m12[1]}')
    c.do('GET', mp + '?ids={m12[0]},{m3[0]}')
    c.do('GET', mp + '?ids=' + ','.join(['00000000000000000000%04x' % i for i in range(21)]))
    c.do('GET', mp + '?ids=')
    c.do('GET', mp + '/{m12[0]}')
    c.do('GET', '/v2/queues/%s/messages/{md[0]}' % qv)
    c.do('GET', mp + '/0123456789abcdef01234567')
    c.do('GET', mp + '/not-an-id')
    c.do('HEAD', mp + '/{m12[0]}')

    # -- claims (v2) --
    cp = '/v2/queues/%s/claims' % qm
    c.do('POST', cp + '?limit=1', body={'ttl': 60, 'grace': 60}, save=save_claim('c1'))
    c.do('POST', cp, body={'ttl': 30, 'grace': 60})
    c.do('POST', cp, body={'ttl': 43201, 'grace': 60})
    c.do('POST', cp, body={'ttl': 60, 'grace': 30})
    c.do('POST', cp, body={'ttl': 60, 'grace': 43201})
    c.do('POST', cp, body={'ttl': 'abc'})
    c.do('POST', cp + '?limit=0', body={'ttl': 60})
    c.do('POST', cp + '?limit=21', body={'ttl': 60})
    c.do('POST', cp + '?limit=abc', body={'ttl': 60})
    c.do('POST', cp, body=[1])
    c.do('POST', cp, raw='not json')
    c.do('GET', cp + '/{c1}')
    c.do('HEAD', cp + '/{c1}')
    c.do('PATCH', cp + '/{c1}', body={'ttl': 120, 'grace': 60})
    c.do('PATCH', cp + '/{c1}', body={'ttl': 30})
    c.do('PATCH', cp + '/{c1}', body={'ttl': 'x'})
    c.do('PATCH', cp + '/{c1}', body={})
    c.do('PATCH', cp + '/{c1}', raw='not json')
    c.do('GET', cp + '/0123456789abcdef01234567')
    c.do('GET', cp + '/not-a-claim')
    c.do('PATCH', cp + '/0123456789abcdef01234567', body={'ttl': 120})
    c.do('GET', mp + '?echo=true')
    c.do('GET', mp + '?echo=true&include_claimed=true')
    c.do('GET', mp + '?echo=true&include_claimed=true&include_delayed=true')
    c.do('GET', '/v2/queues/%s/stats' % qm)
    c.do('GET', mp + '/{c1_msgs[0]}')
    c.do('GET', mp + '/{c1_msgs[0]}?claim_id={c1}')
    c.do('DELETE', mp + '/{c1_msgs[0]}')
    c.do('DELETE', mp + '/{c1_msgs[0]}?claim_id=0123456789abcdef01234567')
    c.do('DELETE', mp + '/{c1_msgs[0]}?claim_id=not-a-claim')
    c.do('DELETE', mp + '/{c1_msgs[0]}?claim_id={c1}')
    c.do('GET', mp + '/{c1_msgs[0]}')
    c.do('DELETE', mp + '/{m3[0]}?claim_id={c1}')
    c.do('DELETE', mp + '/0123456789abcdef01234567')
    c.do('DELETE', cp + '/{c1}')
    c.do('DELETE', cp + '/{c1}')
    c.do('DELETE', cp + '/0123456789abcdef01234567')
    c.do('POST', cp, body={}, save=save_claim('c2'))
    c.do('GET', cp + '/{c2}')
    c.do('POST', cp, body={'ttl': 60})
    c.do('DELETE', cp + '/{c2}')
    c.do('POST', '/v2/queues/%s/claims' % qc, body={'ttl': 60})
    c.do('POST', '/v2/queues/%s-missing/claims' % qa, body={'ttl': 60})

    # -- delete by ids, pop (v2) --
    c.do('DELETE', mp)
    c.do('DELETE', mp + '?ids={m12[0]}&pop=1')
    c.do('DELETE', mp + '?ids=' + ','.join(['00000000000000000000%04x' % i for i in range(21)]))
    c.do('DELETE', mp + '?ids={m12[0]}')
    c.do('DELETE', mp + '?ids={m12[0]}')
    c.do('DELETE', mp + '?pop=0')
    c.do('DELETE', mp + '?pop=21')
    c.do('DELETE', mp + '?pop=abc')
    c.do('DELETE', mp + '?pop=1')
    c.do('DELETE', mp + '?pop=5')
    c.do('DELETE', mp + '?pop=5')
    c.do('GET', '/v2/queues/%s/stats' % qm)
    c.do('POST', '/v2/queues/%s/purge' % qm, body={'resource_types': ['messages']})
    c.do('GET', '/v2/queues/%s/stats' % qm)

    # -- subscriptions (v2) --
    sp = '/v2/queues/%s/subscriptions' % qs
    c.do('PUT', '/v2/queues/%s' % qs)
    c.do('POST', sp, body={'subscriber': HOOK, 'ttl': 3600, 'options': {'a': 1}},
         save=lambda st, r: st.__setitem__('s1', r.json['subscription_id']))
    c.do('POST', sp, body={'subscriber': HOOK, 'ttl': 3600, 'options': {}})
    c.do('POST', sp, body={'subscriber': HOOK2, 'ttl': 3600},
         save=lambda st, r: st.__setitem__('s2', r.json['subscription_id']))
    c.do('POST', sp, body={'subscriber': 'ftp://127.0.0.1/x', 'ttl': 3600})
    c.do('POST', sp, body={'subscriber': 'not a url'})
    c.do('POST', sp, body={'ttl': 3600})
    c.do('POST', sp, body={'subscriber': HOOK + '3', 'ttl': -1})
    c.do('POST', sp, body={'subscriber': HOOK + '3', 'ttl': 'abc'})
    c.do('POST', sp, body={'subscriber': HOOK + '3', 'options': 'x'})
    c.do('POST', sp, body={'subscriber': HOOK + '3', 'bogus': 1})
    c.do('POST', sp, body=[1])
    c.do('POST', sp, raw='not json')
    c.do('GET', sp)
    c.do('GET', sp + '?limit=1', save=save_next_marker('smarker'))
    c.do('GET', sp + '?limit=1&marker={smarker}')
    c.do('GET', sp + '?limit=0')
    c.do('GET', sp + '?limit=abc')
    c.do('GET', '/v2/queues/%s-missing/subscriptions' % qa)
    c.do('GET', sp + '/{s1}')
    c.do('GET', sp + '/0123456789abcdef01234567')
    c.do('GET', sp + '/not-a-subscription')
    c.do('PATCH', sp + '/{s1}', body={'ttl': 7200})
    c.do('PATCH', sp + '/{s1}', body={'options': {'b': 2}})
    c.do('PATCH', sp + '/{s1}', body={'subscriber': HOOK + '4'})
    c.do('PATCH', sp + '/{s1}', body={'subscriber': HOOK2})
    c.do('PATCH', sp + '/{s1}', body={'ttl': -5})
    c.do('PATCH', sp + '/{s1}', body={'bogus': 1})
    c.do('PATCH', sp + '/{s1}', body={})
    c.do('PATCH', sp + '/{s1}', raw='not json')
    c.do('PATCH', sp + '/0123456789abcdef01234567', body={'ttl': 7200})
    c.do('GET', sp + '/{s1}')
    c.do('PUT', sp + '/{s1}/confirm', body={'confirmed': True})
    c.do('PUT', sp + '/{s1}/confirm', body={'confirmed': False})
    c.do('PUT', sp + '/{s1}/confirm', body={'confirmed': 'yes'})
    c.do('PUT', sp + '/{s1}/confirm', body={})
    c.do('PUT', sp + '/0123456789abcdef01234567/confirm', body={'confirmed': True})
    c.do('GET', sp + '/{s1}')
    c.do('POST', '/v2/queues/%s/purge' % qs, body={'resource_types': ['subscriptions']})
    c.do('GET', sp)
    c.do('POST', sp, body={'subscriber': HOOK, 'ttl': 3600},
         save=lambda st, r: st.__setitem__('s3', r.json['subscription_id']))
    c.do('DELETE', sp + '/{s3}')
    c.do('DELETE', sp + '/{s3}')
    c.do('GET', sp + '/{s3}')

    # -- v1.1 --
    v = '/v1.1/queues/%s' % qa
    c.do('GET', '/v1.1/queues')
    c.do('PUT', v)
    c.do('PUT', v)
    c.do('PUT', v, body={'color': 'red'})
    c.do('PUT', '/v1.1/queues/bad%20name')
    c.do('GET', v)
    c.do('GET', '/v1.1/queues/%s-missing' % qa)
    c.do('HEAD', v)
    c.do('GET', '/v1.1/queues?limit=1', save=save_next_marker('v1qm'))
    c.do('GET', '/v1.1/queues?limit=1&marker={v1qm}')
    c.do('GET', '/v1.1/queues?detailed=true')
    c.do('GET', '/v1.1/queues?limit=0')
    c.do('GET', v + '/stats')
    v1m = v + '/messages'
    c.do('POST', v1m, body={'messages': [{'body': 1, 'ttl': 300}, {'body': 2, 'ttl': 300}]},
         save=save_msg_ids('v1ids'))
    c.do('POST', v1m, body=[{'body': 1, 'ttl': 300}])
    c.do('POST', v1m, body={'messages': []})
    c.do('POST', v1m, body={'messages': [{'body': 1, 'ttl': 30}]})
    c.do('GET', v1m)
    c.do('GET', v1m + '?echo=true')
    c.do('GET', v1m + '?echo=true&limit=1')
    c.do('GET', v1m + '?ids={v1ids[0]},{v1ids[1]}')
    c.do('GET', v1m + '/{v1ids[0]}')
    c.do('GET', v1m + '/0123456789abcdef01234567')
    c.do('POST', v + '/claims?limit=1', body={'ttl': 60, 'grace': 60}, save=save_claim('v1c'))
    c.do('POST', v + '/claims', body={'ttl': 30})
    c.do('GET', v + '/claims/{v1c}')
    c.do('PATCH', v + '/claims/{v1c}', body={'ttl': 120})
    c.do('GET', v1m + '?echo=true&include_claimed=true')
    c.do('GET', v + '/stats')
    c.do('DELETE', v1m + '/{v1c_msgs[0]}')
    c.do('DELETE', v1m + '/{v1c_msgs[0]}?claim_id={v1c}')
    c.do('DELETE', v + '/claims/{v1c}')
    c.do('DELETE', v1m + '?ids={v1ids[0]},{v1ids[1]}')
    c.do('POST', v1m, body={'messages': [{'body': 1, 'ttl': 300}, {'body': 2, 'ttl': 300}]})
    c.do('DELETE', v1m + '?pop=1')
    c.do('DELETE', v1m + '?pop=5')
    c.do('DELETE', v1m)
    c.do('POST', v + '/claims', body={'ttl': 60})
    c.do('GET', v + '/subscriptions')
    c.do('POST', v + '/purge', body={'resource_types': ['messages']})
    c.do('DELETE', v)
    c.do('DELETE', v)

    # -- cleanup (v2) --
    for q in (qa, qb, qc, qm, qs, qv):
        c.do('DELETE', '/v2/queues/%s' % q)
    c.do('DELETE', '/v2/queues/%s' % qa)
    c.do('GET', '/v2/queues/%s/stats' % qm)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ours', required=True, help='base URL of Marconi.Server, e.g. http://127.0.0.1:8888')
    ap.add_argument('--theirs', required=True, help='base URL of the reference Zaqar, e.g. http://127.0.0.1:8889')
    ap.add_argument('--project', default=None, help='X-Project-ID to use (default: a fresh one per run)')
    args = ap.parse_args()
    run_id = uuid.uuid4().hex[:8]
    project = args.project or 'cmpproj%s' % run_id
    c = Compare(args.ours, args.theirs, project, str(uuid.uuid4()), run_id)
    print('compare: ours=%s theirs=%s project=%s run=%s' % (args.ours, args.theirs, project, run_id))
    try:
        run(c)
    except Exception as ex:  # a diagnostic tool: report and still exit 0
        print('NOTE scenario stopped early: %s: %s' % (type(ex).__name__, ex))
    print('compare: %d requests, %d differences' % (c.requests, c.diffs))
    return 0


if __name__ == '__main__':
    sys.exit(main())
