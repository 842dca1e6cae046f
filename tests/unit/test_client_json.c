/* Unit tests for client_json.c: records as one JSON object each (--json). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "client_json.h"
#include "proto.h"

static char *json_of_v(const char *line, const char *room, int version)
{
	char buf[256];
	struct proto_rec rec;

	strcpy(buf, line);
	proto_parse_v(buf, version, &rec);
	return client_json_record(&rec, room, 0);
}

static char *json_of(const char *line, const char *room)
{
	return json_of_v(line, room, 1);
}

static void times_are_utc(void **state)
{
	char out[32];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	client_json_time("2026-12-01 09:30:05", 0, out);
	assert_string_equal(out, "2026-12-01T09:30:05Z");
	setenv("TZ", "UTC-2", 1);          /* two hours east of UTC */
	tzset();
	client_json_time("2026-12-01 09:30:05", 0, out);
	assert_string_equal(out, "2026-12-01T07:30:05Z");
	client_json_time("not a time", 60, out);    /* falls back to now */
	assert_string_equal(out, "1970-01-01T00:01:00Z");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void records(void **state)
{
	char *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	s = json_of("MSG\t2026-12-01 09:30:05\tbob\thi \"there\" \\", "lobby");
	assert_string_equal(s, "{\"type\":\"msg\",\"time\":\"2026-12-01T09:30:05Z\","
	    "\"room\":\"lobby\",\"name\":\"bob\",\"text\":\"hi \\\"there\\\" \\\\\"}");
	free(s);
	s = json_of("HIST\t2026-12-01 09:30:05\tbob\told", "lobby");
	assert_non_null(strstr(s, "\"type\":\"hist\""));
	assert_non_null(strstr(s, "\"history\":true"));
	free(s);
	s = json_of("LEAVE\t2026-12-01 09:30:05\tbob\tdev", "lobby");
	assert_non_null(strstr(s, "\"name\":\"bob\",\"via\":\"dev\""));
	assert_null(strstr(s, "\"reason\""));
	free(s);
	s = json_of("LEAVE\t2026-12-01 09:30:05\tbob\t\tQuit: bye", "lobby");
	assert_non_null(strstr(s, "\"name\":\"bob\",\"reason\":\"Quit: bye\"}"));
	free(s);
	s = json_of("WELCOME\tbob\tlobby", NULL);
	assert_non_null(strstr(s, "\"room\":\"lobby\",\"name\":\"bob\""));
	free(s);
	s = json_of("MEMBERS\ta\tb", "lobby");
	assert_non_null(strstr(s, "\"members\":[\"a\",\"b\"]"));
	free(s);
	s = json_of("NAME?\ttaken", NULL);
	assert_non_null(strstr(s, "\"type\":\"nameq\",\"time\":\"1970-01-01T00:00:00Z\",\"text\":\"taken\""));
	free(s);
	s = json_of("MSG\t2026-12-01 09:30:05\tbob\t\xff\xfe", "lobby");  /* bad UTF-8: left out */
	assert_null(strstr(s, "\"text\""));
	free(s);
	s = client_json_line("\x01raw", NULL, 0);
	assert_string_equal(s, "{\"type\":\"line\",\"time\":\"1970-01-01T00:00:00Z\",\"text\":\"\\u0001raw\"}");
	free(s);
}

/* Issue 20 point 3: every action record is "type":"action": replayed ones with
 * "history": true, private ones with "to". */
static void actions(void **state)
{
	char *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	s = json_of_v("ACTION\tdev\t2026-12-01T09:30:05Z\tbob\twaves", "lobby", 2);
	assert_string_equal(s, "{\"type\":\"action\",\"time\":\"2026-12-01T09:30:05Z\","
	    "\"room\":\"dev\",\"name\":\"bob\",\"text\":\"waves\"}");
	free(s);
	s = json_of_v("HISTACTION\tdev\t2026-12-01T09:30:05Z\tbob\tnods", "lobby", 2);
	assert_string_equal(s, "{\"type\":\"action\",\"time\":\"2026-12-01T09:30:05Z\","
	    "\"room\":\"dev\",\"name\":\"bob\",\"text\":\"nods\",\"history\":true}");
	free(s);
	s = json_of_v("PRIVACTION\t2026-12-01T09:30:05Z\tbob\teve\twinks", "lobby", 2);
	assert_string_equal(s, "{\"type\":\"action\",\"time\":\"2026-12-01T09:30:05Z\","
	    "\"room\":\"lobby\",\"name\":\"bob\",\"to\":\"eve\",\"text\":\"winks\"}");
	free(s);
}

/* A record of a known type without the fields it needs is {"type":"invalid"} with the
 * line as it came in "raw" (nothing lost, the output still one object per line); a
 * record of a type this client does not know is ignored, as the protocol says. */
static void malformed_records_are_invalid_with_their_raw_line(void **state)
{
	char *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	s = json_of("MSG\t2026-12-01 09:30:05\tbob", "lobby");       /* no TEXT */
	assert_string_equal(s, "{\"type\":\"invalid\",\"time\":\"1970-01-01T00:00:00Z\","
	    "\"raw\":\"MSG\\t2026-12-01 09:30:05\\tbob\"}");
	free(s);
	s = json_of_v("HIST\r", "lobby", 2);                           /* no room, no fields */
	assert_string_equal(s, "{\"type\":\"invalid\",\"time\":\"1970-01-01T00:00:00Z\","
	    "\"raw\":\"HIST\"}");
	free(s);
	s = json_of("JOIN\t\xff", NULL);                               /* raw not UTF-8: left out */
	assert_string_equal(s, "{\"type\":\"invalid\",\"time\":\"1970-01-01T00:00:00Z\"}");
	free(s);
	assert_null(json_of("LATER\tsomething new", "lobby"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times_are_utc),
		cmocka_unit_test(records),
		cmocka_unit_test(actions),
		cmocka_unit_test(malformed_records_are_invalid_with_their_raw_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
