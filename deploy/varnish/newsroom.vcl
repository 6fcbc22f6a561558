vcl 4.1;
# Varnish in front of Newsroom (Debian: apt-get install varnish varnish-modules).
#
# Anonymous readers' pages are kept as long as the app's s-maxage says and purged
# by key: the app names what each page shows in its xkey header and sends
# "PURGE /" with an "xkey-purge: key key…" header when something changes
# (VARNISH_PURGE_URLS). Signed-in staff, the admin, previews and share links are
# never cached. When the app is down, pages are served stale for up to a day
# (the app's stale-if-error).
#
#   varnishd -a 127.0.0.1:6081 -f /etc/varnish/newsroom.vcl \
#            -p vcl_path=/etc/varnish -s malloc,256m
# with the backend address below (or -p vcc_allow_inline_c=off and an include).

import std;
import xkey;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/robots.txt";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

# Who may purge: the app's own hosts.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff, previews and uploads of the editor are never shared.
    if (req.url ~ "^/(admin|preview|editor|i18n)/") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Readers' pages do not depend on cookies; the language is in the address.
    unset req.http.Cookie;
    # A healthy app refreshes a stale page in the background for a short while;
    # a sick one leaves stale pages in service for the whole grace (below).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_backend_response {
    # Nothing private or personal is ever stored.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-store)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (!beresp.http.xkey) {
        # Not a page the app marked public (static files keep their own rules).
        if (bereq.url !~ "^/(static|media)/") {
            set beresp.uncacheable = true;
            set beresp.ttl = 120s;
        }
        return (deliver);
    }
    # stale-if-error: keep the object for a day past its s-maxage.
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_deliver {
    # The keys are for this cache; readers do not need them.
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
