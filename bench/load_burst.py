"""A rush for a popular course: N parents register at once for one activity of 20 places.

Each parent is a separate client behind the reverse proxy (its own X-Forwarded-For), fetches the form
for its CSRF cookie and token, and posts one registration. Prints the status codes and, from the
database, the confirmed count, which must be exactly the capacity.
"""

import argparse
import collections
import concurrent.futures
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def register(base: str, activiteit: int, n: int) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    client_ip = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    headers = {"X-Forwarded-For": client_ip, "User-Agent": "hvhk-load-burst"}
    url = f"{base}/activiteiten/{activiteit}/inschrijven/"
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            html = response.read().decode()
        match = TOKEN.search(html)
        if not match:
            return -1
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": match.group(1),
                "naam": f"Ouder {n}",
                "email": f"ouder{n}@example.org",
                "aantal_personen": "1",
                "wachtlijst": "on",
            }
        ).encode()
        request = urllib.request.Request(url, data=data, headers={**headers, "Referer": url})
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return -2


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("activiteit", type=int)
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        results = pool.map(lambda n: register(args.base, args.activiteit, n), range(args.parents))
        codes = collections.Counter(results)
    print("burst status codes:", dict(sorted(codes.items())))
    bad = sum(count for code, count in codes.items() if not (200 <= code < 400) and code != 429)
    print(f"burst unexpected responses: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
