# SPDX-License-Identifier: GPL-2.0
#
# jsonflat.awk: flattens a JSON document into "PATH VALUE" lines, one per
# scalar, for the workload scripts (POSIX awk: busybox's too, in the guests).
#
#   {"kinds":[{"kind":"fork","calls":3}],"lost":0}
#   ->  kinds.0.kind fork
#       kinds.0.calls 3
#       lost 0
#
# Strings are printed without their quotes, with \" \\ \/ unescaped (other
# escapes are kept as they are); null, true and false as such.  The input
# may span lines.  Malformed input ends with "jsonflat: ..." on stderr and
# exit status 1.

function fail(msg) {
	printf "jsonflat: %s at offset %d\n", msg, pos > "/dev/stderr"
	bad = 1
	exit 1
}

function skip_ws() {
	while (pos <= len && index(" \t\r\n", substr(text, pos, 1)))
		pos++
}

function path_join(p, k) {
	return p == "" ? k : p "." k
}

function parse_string(    s, c) {
	if (substr(text, pos, 1) != "\"")
		fail("expected a string")
	pos++
	s = ""
	while (pos <= len) {
		c = substr(text, pos, 1)
		if (c == "\"") {
			pos++
			return s
		}
		if (c == "\\") {
			c = substr(text, pos + 1, 1)
			if (c == "\"" || c == "\\" || c == "/")
				s = s c
			else
				s = s "\\" c
			pos += 2
			continue
		}
		s = s c
		pos++
	}
	fail("unterminated string")
}

function parse_value(path,    c, k, n, start) {
	skip_ws()
	c = substr(text, pos, 1)
	if (c == "{") {
		pos++
		skip_ws()
		if (substr(text, pos, 1) == "}") {
			pos++
			return
		}
		for (;;) {
			skip_ws()
			k = parse_string()
			skip_ws()
			if (substr(text, pos, 1) != ":")
				fail("expected ':'")
			pos++
			parse_value(path_join(path, k))
			skip_ws()
			c = substr(text, pos++, 1)
			if (c == "}")
				return
			if (c != ",")
				fail("expected ',' or '}'")
		}
	}
	if (c == "[") {
		pos++
		skip_ws()
		if (substr(text, pos, 1) == "]") {
			pos++
			return
		}
		for (n = 0; ; n++) {
			parse_value(path_join(path, n))
			skip_ws()
			c = substr(text, pos++, 1)
			if (c == "]")
				return
			if (c != ",")
				fail("expected ',' or ']'")
		}
	}
	if (c == "\"") {
		print path, parse_string()
		return
	}
	start = pos
	while (pos <= len && index("0123456789+-.eEtruefalsn", substr(text, pos, 1)))
		pos++
	if (pos == start)
		fail("unexpected character")
	print path, substr(text, start, pos - start)
}

{ text = text $0 "\n" }

END {
	if (bad)
		exit 1
	len = length(text)
	pos = 1
	parse_value("")
	skip_ws()
	if (pos <= len)
		fail("more after the document")
}
