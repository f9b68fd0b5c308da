/*
 * platform_win32_token.c - plat_net_read_token() on Windows: the token in
 * the first line of a file only its owner may read, with the rules of
 * common/control_token.c (16 to 255 printable ASCII characters, no
 * spaces). "Only its owner" is the file's DACL here: a file that grants
 * read access to Everyone, Users, Authenticated Users, Guests or
 * anonymous logons, or has no DACL at all (everyone may do anything), is
 * refused with the icacls line that fixes it. Wine builds the DACL from
 * the Unix mode (mode 600: the owner alone), so the same rule holds there.
 */
#include "platform_net.h"

#include <windows.h>
#include <aclapi.h>

#include <stdio.h>
#include <string.h>

#define TOKEN_MIN   16
#define TOKEN_MAX   255
#define READ_RIGHTS (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL)

static const WELL_KNOWN_SID_TYPE others[] = {
	WinWorldSid,
	WinBuiltinUsersSid,
	WinAuthenticatedUserSid,
	WinBuiltinGuestsSid,
	WinAnonymousSid,
};

/* Whether sid is one of the groups that stand for "others". */
static bool
is_others(PSID sid)
{
	BYTE buf[SECURITY_MAX_SID_SIZE];
	DWORD n;
	size_t i;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		n = sizeof(buf);
		if (CreateWellKnownSid(others[i], NULL, buf, &n) &&
		    EqualSid(sid, buf))
			return true;
	}
	return false;
}

/* 0 when only the owner (and administrators) may read h's file. */
static int
owner_only(HANDLE h, const char *path, char *err, size_t errlen)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	ACCESS_ALLOWED_ACE *ace;
	PACL dacl = NULL;
	DWORD i, rc;
	bool open = false;

	rc = GetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL,
	    NULL, &dacl, NULL, &sd);
	if (rc != ERROR_SUCCESS) {
		snprintf(err, errlen,
		    "token file %s: cannot read who may read "
		    "it (Windows error %lu)",
		    path, rc);
		return -1;
	}
	open = dacl == NULL;
	for (i = 0; dacl != NULL && i < dacl->AceCount && !open; i++) {
		if (!GetAce(dacl, i, (void **)&ace))
			continue;
		open = ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
		    (ace->Mask & READ_RIGHTS) != 0 &&
		    is_others((PSID)&ace->SidStart);
	}
	LocalFree(sd);
	if (open) {
		snprintf(err, errlen,
		    "token file %s: others may read it. Keep "
		    "the token in a file only you can read: icacls \"%s\" "
		    "/inheritance:r /grant:r \"%%USERNAME%%:R\"",
		    path, path);
		return -1;
	}
	return 0;
}

static int
token_check(const char *path, const char *tok, size_t n, char *err,
    size_t errlen)
{
	size_t i;

	if (n < TOKEN_MIN || n > TOKEN_MAX) {
		snprintf(err, errlen,
		    "token file %s: its first line holds %u "
		    "characters; a token has %d to %d (24 random bytes in "
		    "base64 make a good one)",
		    path, (unsigned)n, TOKEN_MIN, TOKEN_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (tok[i] <= ' ' || tok[i] > '~') {
			snprintf(err, errlen,
			    "token file %s: character %u of "
			    "the token is a space, control character or not "
			    "ASCII. Use printable characters only (base64 is "
			    "fine)",
			    path, (unsigned)(i + 1));
			return -1;
		}
	}
	return 0;
}

int
plat_net_read_token(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	char raw[TOKEN_MAX + 3];
	DWORD got = 0;
	HANDLE h;
	size_t n;
	BOOL ok;

	h = CreateFileA(path, GENERIC_READ | READ_CONTROL, FILE_SHARE_READ,
	    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		snprintf(err, errlen,
		    "token file %s: cannot open (Windows "
		    "error %lu)",
		    path, GetLastError());
		return -1;
	}
	if (GetFileType(h) != FILE_TYPE_DISK) {
		snprintf(err, errlen, "token file %s: not a regular file",
		    path);
		CloseHandle(h);
		return -1;
	}
	if (owner_only(h, path, err, errlen) == -1) {
		CloseHandle(h);
		return -1;
	}
	ok = ReadFile(h, raw, sizeof(raw) - 1, &got, NULL);
	CloseHandle(h);
	if (!ok) {
		snprintf(err, errlen,
		    "token file %s: cannot read (Windows error "
		    "%lu)",
		    path, GetLastError());
		return -1;
	}
	raw[got] = '\0';
	n = strcspn(raw, "\r\n");
	if (token_check(path, raw, n, err, errlen) == -1)
		return -1;
	if (n + 1 > len) {
		snprintf(err, errlen, "token file %s: no room for the token",
		    path);
		return -1;
	}
	memcpy(buf, raw, n);
	buf[n] = '\0';
	SecureZeroMemory(raw, sizeof(raw));
	return 0;
}
