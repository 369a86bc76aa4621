/* usage: the help text (--help), which also says each option's default. */
#include "usage.h"

#include "demo.h"

#include <ctype.h>
#include <string.h>

static const char usage_text[] =
    "Usage: planaloud [options]\n"
    "       planaloud [--data DIR] user add NAME --role caseworker|manager|admin\n"
    "       planaloud [--data DIR] user password|disable|enable NAME\n"
    "       planaloud [--data DIR] user list\n"
    "       planaloud [--data DIR] backup DEST [--keep N]\n"
    "       planaloud [--data DIR] restore SRC\n"
    "       planaloud [--data DIR] check\n"
    "\n"
    "Serves Plan Aloud: the kiosk page at http://HOST:PORT/, the staff pages at /staff/,\n"
    "and their websockets.\n"
    "\n"
    "Options:\n"
    "  --port N            port to listen on (default 8080; 0 lets the system choose)\n"
    "  --listen ADDR       address to listen on (default 127.0.0.1; 0.0.0.0 for every\n"
    "                      interface, e.g. behind a TLS reverse proxy)\n"
    "  --host NAME         the name kiosks use to reach the server (e.g. "
    "plans.council.gov.uk);\n"
    "                      websockets for any other name but localhost are refused\n"
    "  --tls-cert FILE     serve HTTPS with this certificate (PEM, the full chain);\n"
    "  --tls-key FILE      and this private key (PEM, readable by the server's user\n"
    "                      alone). Plain HTTP on the same port is sent to HTTPS\n"
    "  --redirect-port N   with --tls-cert: also listen on port N (e.g. 80) and send\n"
    "                      every plain HTTP request there to HTTPS\n"
    "  --secure-cookies    the server is reached over HTTPS (a TLS reverse proxy): the\n"
    "                      staff login cookie is __Host- named and marked Secure\n"
    "  --allow-plain-http  serve plain HTTP on an address other than localhost (behind\n"
    "                      a TLS proxy, or for development); without TLS, it is refused\n"
    "  --trusted-proxy LIST\n"
    "                      the reverse proxies in front of the server, as addresses or\n"
    "                      ranges (e.g. 127.0.0.1,10.0.0.0/8): only their\n"
    "                      X-Forwarded-For or Forwarded header says who the client is\n"
    "                      (default: none, every connection is its own client)\n"
    "  --max-connections N connections held at once, in all (default: what the\n"
    "                      open-file limit allows, at most 20000)\n"
    "  --max-connections-per-address N\n"
    "                      connections held at once from one address (default 256)\n"
    "  --timeout-seconds N a request must arrive whole within N seconds (its headers\n"
    "                      within 10, or N if less); an idle websocket is pinged\n"
    "                      after N seconds and closed when it has not answered N\n"
    "                      seconds later (default 30)\n"
    "  --data DIR          where the database and the secret key live (default ./data;\n"
    "                      made on first start)\n"
    "  --demo              add a demo invitation (example needs and budget) and print its\n"
    "                      plan code; add a demo caseworker (" DEMO_CASEWORKER ") and manager\n"
    "                      (" DEMO_MANAGER "), or give them new passwords, and print those\n"
    "  --web DIR           the browser files (default: web/ in the source tree)\n"
    "  --easyread DIR      the easy-read content (default: easyread/ in the source tree)\n"
    "  --voices DIR        voice profiles and pronunciations (default: voices/ in the\n"
    "                      source tree)\n"
    "  --lang LANG         the language a page starts in (default en-GB)\n"
    "  --languages LIST    the languages offered besides English, as easyread/ folder\n"
    "                      names: cy,pl,ur (default all)\n"
    "  --read-ahead WHICH  chosen (default): read into the audio cache at start the\n"
    "                      texts of the language pages start in, and another language's\n"
    "                      the first time it is chosen; all: every language's at start\n"
    "  --idle-seconds N    kiosk: seconds without input before \"Do you need more time?\"\n"
    "                      (default 120)\n"
    "  --warn-seconds N    kiosk: the countdown before the screen clears (default 30)\n"
    "  --headphones yes|ask\n"
    "                      kiosk: yes when every kiosk has headphones, so private things\n"
    "                      (the code, answers about safety, names) are read aloud without\n"
    "                      asking; ask (the default) asks each person first\n"
    "  --keyboard on|ask\n"
    "                      kiosk: on for a touch screen with no keyboard, so the keyboard\n"
    "                      on the screen shows for every text box; ask (the default)\n"
    "                      offers it with a button by each text box\n"
    "  --switch-keys KEYS  kiosk: the keys the kiosk's switches send, as the browser "
    "names\n"
    "                      them: the one that moves, then the one that chooses (default\n"
    "                      Space,Enter); one switch chooses with either\n"
    "  --wrong-codes-per-address N\n"
    "                      wrong plan codes one address (or enrolled kiosk) may try in\n"
    "                      10 minutes before it must wait (default 20)\n"
    "  --wrong-codes-overall N\n"
    "                      wrong codes from everyone together in 10 minutes before\n"
    "                      guesses wait, enrolled kiosks' apart (default 600; 0: none)\n"
    "  --new-plans-per-address N\n"
    "                      plans one address may start without a code in an hour\n"
    "                      (default 30; 0: no limit)\n"
    "  --new-plans-per-kiosk N\n"
    "                      plans one enrolled kiosk may start without a code in an hour\n"
    "                      (default 60; 0: no limit)\n"
    "  --new-plans-per-hour N\n"
    "                      the same for all but enrolled kiosks together (default 300)\n"
    "  --retain-drafts-days N\n"
    "                      erase a plan started at a kiosk without a code, never sent, "
    "when\n"
    "                      no one has touched it for N days (default 30; 0 keeps them)\n"
    "  --retain-closed-years N\n"
    "                      erase a plan not agreed or signed off when no one has "
    "touched\n"
    "                      it for N years (default 7; 0 keeps them)\n"
    "  --metrics-allow LIST\n"
    "                      addresses and ranges (e.g. 127.0.0.1,10.0.0.0/8) that may read\n"
    "                      /metrics, the Prometheus metrics (default: this machine alone,\n"
    "                      or none when a token is given); never through a proxy\n"
    "  --metrics-token-file FILE\n"
    "                      a file (mode 600) holding a token: a request with\n"
    "                      \"Authorization: Bearer TOKEN\" may read /metrics from anywhere\n"
    "  --log-level LEVEL   debug, info (the default), warn or error: the least a log line\n"
    "                      must be to be written (debug: a line for every message)\n"
    "  --alert-smtp URL    tell the duty team of flags by email through the council's\n"
    "                      mail relay: smtp://relay:25 (STARTTLS when offered) or\n"
    "                      smtps://relay:465; needs --alert-from and --alert-to\n"
    "  --alert-from ADDR   the address alert emails come from\n"
    "  --alert-to LIST     the duty team's addresses, separated by commas\n"
    "  --alert-webhook URL also (or instead) POST each alert as JSON to this https://\n"
    "                      address (plain http:// only to this machine)\n"
    "  --alert-webhook-token-file FILE\n"
    "                      send the token on this file's first line as the webhook's\n"
    "                      bearer token (the file readable by the server's user alone)\n"
    "  --alert-kinds LIST  which flags send an alert: safeguarding, advocacy, review,\n"
    "                      separated by commas (default safeguarding)\n"
    "  --public-url URL    the address staff use (https://plans.council.gov.uk), for the\n"
    "                      link to the plan in an alert (default: from --host)\n"
    "  --check-content     check the easy-read content and the voice files, say what is\n"
    "                      wrong, and exit\n"
    "  --config FILE       read settings from FILE first (e.g.\n"
    "                      /etc/planaloud/planaloud.conf): each option here but\n"
    "                      --help, --check-content, --check-config, --config and\n"
    "                      --role is a key, without its dashes (idle-seconds = 60;\n"
    "                      demo = yes). Options on the command line win over the\n"
    "                      file. Without --config, no file is read. SIGHUP\n"
    "                      (systemctl reload) reads the file again: the kiosk's\n"
    "                      settings, the limits, retention and log-level change at\n"
    "                      once; others (port, TLS, paths...) need a restart\n"
    "  --check-config      read the settings, run the checks made at start that need\n"
    "                      no listening socket (changing nothing), print each setting\n"
    "                      in force and where it came from, and exit: 0 when all is\n"
    "                      well\n"
    "  --help              show this help\n"
    "\n"
    "Staff accounts (in the database under --data; the server may be running):\n"
    "  user add NAME --role ROLE\n"
    "                      add a staff user. ROLE is caseworker, manager or admin. NAME "
    "is\n"
    "                      1 to 64 letters (A to Z), digits, dots, hyphens or "
    "underscores;\n"
    "                      case does not make a different name\n"
    "  user password NAME  give a user a new password\n"
    "  user disable NAME   stop a user logging in, and end their sessions at once\n"
    "  user enable NAME    let a disabled user log in again\n"
    "  user list           every user, with their role, and whether they are disabled\n"
    "  A password is read from standard input: one line, at least 12 characters, at\n"
    "  most 256 bytes (e.g. `planaloud user add sam --role caseworker < file`, or type\n"
    "  it when asked). Every change is written to the audit log.\n"
    "\n"
    "The database (under --data):\n"
    "  backup DEST         copy the database to the file DEST while the server runs,\n"
    "                      check the copy, and record it; the secret key the plan codes\n"
    "                      need is put beside it (secret.key) the first time\n"
    "  backup DIR --keep N a new dated backup in the folder DIR (made 0700), keeping\n"
    "                      the newest N (a folder without --keep keeps them all)\n"
    "  restore SRC         put the backup SRC back as the database, once it has passed\n"
    "                      its check; refused while the server runs on that folder. The\n"
    "                      database that was there is kept aside, never deleted\n"
    "  check               check the database (integrity, foreign keys, schema, key,\n"
    "                      last backup) and say plainly what is wrong, if anything\n";

void usage_print(FILE *f)
{
	fputs(usage_text, f);
}

/* Copies from[0..) into out (n bytes) up to stop (or a ';' or ')'), each run of blanks and line
 * breaks one space. */
static void copy_words(char *out, size_t n, const char *from, const char *stop)
{
	size_t len = 0;

	while (from < stop && *from && *from != ';' && *from != ')' && len + 1 < n) {
		if (isspace((unsigned char)*from)) {
			while (from < stop && isspace((unsigned char)*from))
				from++;
			if (len)
				out[len++] = ' ';
			continue;
		}
		out[len++] = *from++;
	}
	while (len && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
}

void usage_default(const char *key, char *out, size_t n)
{
	char pat[96];
	const char *p = usage_text, *end, *d;
	size_t plen;

	out[0] = '\0';
	plen = (size_t)snprintf(pat, sizeof(pat), "\n  --%s", key);
	if (plen >= sizeof(pat))
		return;
	while ((p = strstr(p, pat)) && p[plen] != ' ' && p[plen] != '\n')
		p += plen;
	if (!p)
		return;
	end = strstr(p + plen, "\n  --");
	d = strstr(p + plen, "\n\n");
	if (!end || (d && d < end))
		end = d;
	d = strstr(p, "(default");
	if (d && (!end || d < end)) {
		d += strlen("(default");
		while (*d == ':' || isspace((unsigned char)*d))
			d++;
		copy_words(out, n, d, end ? end : d + strlen(d));
		return;
	}
	d = strstr(p, " (the default)"); /* "yes|ask ... ask (the default)" */
	if (d && (!end || d < end)) {
		const char *word = d;

		while (word > p && !isspace((unsigned char)word[-1]))
			word--;
		copy_words(out, n, word, d);
	}
}
