/* proto.c: the record table, and parsing of the records a tcpchat server sends to a
 * client. See proto.h. */
#include <stdbool.h>
#include <string.h>

#include "proto.h"

struct kind {
	const char *word;
	enum proto_type type;
	int min_fields;   /* fields that must be present */
	int fields;       /* fields kept (the last one may be empty) */
	bool roomed;      /* version 2: the room comes first */
	bool action;      /* the action form of its type (after the plain form, below) */
};

static const struct kind kinds[] = {
	{ PROTO_HELLO_ANSWER, PROTO_HELLO, 1, 1, false, false },
	{ "NAME?",    PROTO_NAMEQ,   0, 1, false, false },
	{ "WELCOME",  PROTO_WELCOME, 2, 2, false, false },
	{ "ROOM",     PROTO_ROOM,    1, 1, false, false },
	{ "MEMBERS",  PROTO_MEMBERS, 0, PROTO_FIELDS_LIST, true, false },
	{ "HIST",     PROTO_HIST,    3, 3, true, false },
	{ "MSG",      PROTO_MSG,     3, 3, true, false },
	{ "JOIN",     PROTO_JOIN,    2, 3, true, false },   /* TIME NAME [FROM-ROOM] */
	{ "LEAVE",    PROTO_LEAVE,   2, 4, true, false },   /* TIME NAME [TO-ROOM [REASON]] */
	{ "RENAME",   PROTO_RENAME,  3, 3, true, false },
	{ "PRIV",     PROTO_PRIV,    4, 4, false, false },
	{ "INFO",     PROTO_INFO,    0, 1, false, false },
	{ "ERR",      PROTO_ERR,     0, 1, false, false },
	{ "BYE",      PROTO_BYE,     0, 1, false, false },
	{ "MEMBERS+", PROTO_MEMBERS_MORE, 0, PROTO_FIELDS_LIST, true, false },
	{ "ONLINE",   PROTO_ONLINE,  1, 1, false, false },
	{ "ACTION",     PROTO_MSG,   3, 3, true, true },
	{ "HISTACTION", PROTO_HIST,  3, 3, true, true },
	{ "PRIVACTION", PROTO_PRIV,  4, 4, false, true },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct kind *find_kind(const char *word, size_t len)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strlen(kinds[i].word) == len && memcmp(kinds[i].word, word, len) == 0)
			return &kinds[i];
	return NULL;
}

static const struct kind *kind_of(enum proto_type type, bool action)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].type == type && kinds[i].action == action)
			return &kinds[i];
	return NULL;
}

/* The next TAB-separated field at *p (NUL-terminated in place); *p moves past it. */
static char *next_field(char **p)
{
	char *f = *p, *tab = f != NULL ? strchr(f, '\t') : NULL;

	if (tab)
		*tab = '\0';
	*p = tab ? tab + 1 : NULL;
	return f;
}

void proto_parse(char *line, struct proto_rec *rec)
{
	proto_parse_v(line, 1, rec);
}

void proto_parse_v(char *line, int version, struct proto_rec *rec)
{
	size_t len = strlen(line);
	const struct kind *k;
	char *p, *tab;

	memset(rec, 0, sizeof(*rec));
	rec->room = "";
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	rec->raw = line;
	rec->rawlen = len;
	tab = strchr(line, '\t');
	p = tab ? tab + 1 : NULL;
	if (tab)
		*tab = '\0';
	k = find_kind(line, strlen(line));
	if (k == NULL) {
		rec->type = PROTO_UNKNOWN;
		return;
	}
	rec->type = k->type;
	rec->action = k->action;
	if (version >= 2 && k->roomed) {
		if (p == NULL) {
			rec->type = PROTO_INVALID;
			return;
		}
		rec->room = next_field(&p);
	}
	if (k->fields == PROTO_FIELDS_LIST) {
		rec->list = p ? p : "";
		return;
	}
	while (p != NULL && rec->nf < k->fields)
		rec->f[rec->nf++] = next_field(&p);
	if (rec->nf < k->min_fields) {
		rec->type = PROTO_INVALID;
		return;
	}
	while (rec->nf < k->fields)
		rec->f[rec->nf++] = "";
}

const char *proto_members_next(const char **cursor, size_t *len)
{
	const char *s = *cursor, *tab;

	while (s != NULL && *s == '\t')
		s++;
	if (s == NULL || *s == '\0')
		return NULL;
	tab = strchr(s, '\t');
	*len = tab ? (size_t)(tab - s) : strlen(s);
	*cursor = s + *len;
	return s;
}

bool proto_roomed(enum proto_type type)
{
	const struct kind *k = kind_of(type, false);

	return k != NULL && k->roomed;
}

const char *proto_type_name(enum proto_type type)
{
	const struct kind *k = kind_of(type, false);

	if (k != NULL)
		return k->word;
	return type == PROTO_INVALID ? "(invalid)" : "(unknown)";
}

const char *proto_action_name(enum proto_type type)
{
	const struct kind *k = kind_of(type, true);

	return k != NULL ? k->word : NULL;
}

enum proto_type proto_type_of(const char *word, size_t len)
{
	const struct kind *k = find_kind(word, len);

	return k != NULL ? k->type : PROTO_UNKNOWN;
}

int proto_fields(enum proto_type type)
{
	const struct kind *k = kind_of(type, false);

	return k != NULL ? k->fields : 0;
}

int proto_min_fields(enum proto_type type)
{
	const struct kind *k = kind_of(type, false);

	return k != NULL ? k->min_fields : 0;
}

/* "YYYY-MM-DD HH:MM:SS" at s (19 bytes)? */
static bool is_stamp(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd";

	if (n < sizeof(pat) - 1)
		return false;
	for (size_t i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	}
	return true;
}

/* Length of "[stamp][name]:" at the start of s, or 0. */
static size_t msg_head(const char *s, size_t n)
{
	size_t i;

	if (n < 23 || s[0] != '[' || !is_stamp(s + 1, n - 1) || s[20] != ']' || s[21] != '[')
		return 0;
	for (i = 22; i < n && s[i] != ']' && s[i] != '['; i++)
		;
	if (i == 22 || i + 1 >= n || s[i] != ']' || s[i + 1] != ':')
		return 0;
	return i + 2;
}

static const char name_prompt[] = PROTO_NC_NAME_PROMPT;

bool proto_nc_is_prompt(const char *s, size_t n)
{
	if (n == sizeof(name_prompt) - 1 && memcmp(s, name_prompt, n) == 0)
		return true;
	return n > 0 && msg_head(s, n) == n;
}

size_t proto_nc_prompt_len(const char *s, size_t n, const char *own_name)
{
	size_t head;

	if (n >= sizeof(name_prompt) - 1 && memcmp(s, name_prompt, sizeof(name_prompt) - 1) == 0)
		return sizeof(name_prompt) - 1;
	head = msg_head(s, n);
	if (head == 0 || own_name == NULL || head - 24 != strlen(own_name) ||
	    memcmp(s + 22, own_name, head - 24) != 0)
		return 0;
	return head;
}

bool proto_nc_parse_msg(char *line, const char **time, const char **name, const char **text)
{
	size_t n = strlen(line), head = msg_head(line, n);

	if (head == 0)
		return false;
	line[20] = '\0';
	line[head - 2] = '\0';
	*time = line + 1;
	*name = line + 22;
	*text = line + head;
	return true;
}
