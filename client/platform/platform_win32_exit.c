/*
 * platform_win32_exit.c - the `exit-close` step on Windows: the close a
 * process exit makes. Windows has no fork(), so the process that exits
 * holding the socket is the agent itself started again in a helper mode
 * (CreateProcess of our own .exe, LINGERLAB_AGENT_HELPER=exit-close in
 * its environment, nothing on its command line):
 *
 *   1. the helper is made, inheriting only its two pipe ends;
 *   2. WSADuplicateSocket gives it the socket (the documented way to share
 *      a socket with another process), through the first pipe;
 *   3. it opens its copy (WSASocket with FROM_PROTOCOL_INFO) and says so
 *      through the second;
 *   4. we close ours: with a copy still open, closesocket() only drops
 *      our handle and nothing goes on the wire;
 *   5. we close the first pipe: the helper reads its end and exits with
 *      ExitProcess(0), the socket still open, as a program that never
 *      closed it does; Windows closes it. The step is timed from 5 until
 *      the process is gone.
 *
 * Only the socket and the two pipes reach the helper: every socket the
 * platform makes is not inheritable (WSA_FLAG_NO_HANDLE_INHERIT), and the
 * helper inherits through PROC_THREAD_ATTRIBUTE_HANDLE_LIST alone.
 */
#include "platform.h"
#include "platform_win32_int.h"

#include <windows.h>

#include <string.h>
#include <wchar.h>

#define HELPER_VAR	  L"LINGERLAB_AGENT_HELPER"
#define HELPER_EXIT_CLOSE L"exit-close"

/* ---- the helper ---- */

/* len bytes from h, or false. */
static bool
read_all(HANDLE h, void *buf, DWORD len)
{
	DWORD got, have = 0;

	while (have < len) {
		if (!ReadFile(h, (char *)buf + have, len - have, &got, NULL) ||
		    got == 0)
			return false;
		have += got;
	}
	return true;
}

void
plat_win32_exit_helper(void)
{
	HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
	WSAPROTOCOL_INFOW info;
	wchar_t mode[32];
	DWORD n, status, w;
	SOCKET s;
	char c;

	n = GetEnvironmentVariableW(HELPER_VAR, mode, 32);
	if (n == 0 || n >= 32 || wcscmp(mode, HELPER_EXIT_CLOSE) != 0)
		return;
	if (!read_all(in, &info, sizeof(info)))
		ExitProcess(2);
	s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
	    FROM_PROTOCOL_INFO, &info, 0, WSA_FLAG_OVERLAPPED);
	status = s == INVALID_SOCKET ? (DWORD)WSAGetLastError() : 0;
	if (!WriteFile(out, &status, sizeof(status), &w, NULL) ||
	    s == INVALID_SOCKET)
		ExitProcess(2);
	/* Until the pipe ends: then exit holding the socket. */
	while (ReadFile(in, &c, 1, &w, NULL) && w > 0)
		;
	ExitProcess(0);
}

/* ---- the step ---- */

struct helper {
	PROCESS_INFORMATION pi;
	HANDLE go;   /* ours: the helper exits when it is closed */
	HANDLE said; /* ours: the helper's word that it holds it */
};

/* Two pipes whose child ends alone are inheritable. */
static bool
make_pipes(HANDLE child[2], HANDLE parent[2])
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };

	if (!CreatePipe(&child[0], &parent[0], &sa, 0))
		return false;
	if (!CreatePipe(&parent[1], &child[1], &sa, 0)) {
		CloseHandle(child[0]);
		CloseHandle(parent[0]);
		return false;
	}
	(void)SetHandleInformation(parent[0], HANDLE_FLAG_INHERIT, 0);
	(void)SetHandleInformation(parent[1], HANDLE_FLAG_INHERIT, 0);
	return true;
}

/* CreateProcess of our own .exe with child[0] as its stdin and child[1]
 * as its stdout, and nothing else inherited. */
static bool
spawn(HANDLE child[2], PROCESS_INFORMATION *pi)
{
	wchar_t exe[MAX_PATH * 2], cmd[MAX_PATH * 2 + 3];
	STARTUPINFOEXW si;
	SIZE_T size = 0;
	DWORD n, e;
	BOOL ok;
	union {
		char b[256];
		void *align; /* the list holds pointers */
	} attr;

	n = GetModuleFileNameW(NULL, exe, MAX_PATH * 2);
	if (n == 0 || n >= MAX_PATH * 2)
		return false;
	(void)swprintf(cmd, MAX_PATH * 2 + 3, L"\"%ls\"", exe);
	memset(&si, 0, sizeof(si));
	si.StartupInfo.cb = sizeof(si);
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = child[0];
	si.StartupInfo.hStdOutput = child[1];
	si.StartupInfo.hStdError = NULL;
	(void)InitializeProcThreadAttributeList(NULL, 1, 0, &size);
	if (size > sizeof(attr.b))
		return false;
	si.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)(void *)attr.b;
	if (!InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0,
		&size) ||
	    !UpdateProcThreadAttribute(si.lpAttributeList, 0,
		PROC_THREAD_ATTRIBUTE_HANDLE_LIST, child, 2 * sizeof(HANDLE),
		NULL, NULL))
		return false;
	if (!SetEnvironmentVariableW(HELPER_VAR, HELPER_EXIT_CLOSE)) {
		DeleteProcThreadAttributeList(si.lpAttributeList);
		return false;
	}
	ok = CreateProcessW(exe, cmd, NULL, NULL, TRUE,
	    EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW, NULL, NULL,
	    &si.StartupInfo, pi);
	e = GetLastError();
	(void)SetEnvironmentVariableW(HELPER_VAR, NULL);
	DeleteProcThreadAttributeList(si.lpAttributeList);
	SetLastError(e);
	return ok != 0;
}

/* The helper made and holding s: 0, or the Windows or Winsock error. */
static DWORD
start_helper(SOCKET s, struct helper *h)
{
	HANDLE child[2], parent[2];
	WSAPROTOCOL_INFOW info;
	DWORD e = 0, w, status = 0;

	if (!make_pipes(child, parent))
		return GetLastError();
	if (!spawn(child, &h->pi))
		e = GetLastError();
	CloseHandle(child[0]);
	CloseHandle(child[1]);
	h->go = parent[0];
	h->said = parent[1];
	if (e != 0)
		return e;
	if (WSADuplicateSocketW(s, h->pi.dwProcessId, &info) != 0)
		e = (DWORD)WSAGetLastError();
	else if (!WriteFile(h->go, &info, sizeof(info), &w, NULL))
		e = GetLastError();
	else if (!read_all(h->said, &status, sizeof(status)))
		e = ERROR_BROKEN_PIPE; /* it died before it said */
	else
		e = status;
	return e;
}

static void
end_helper(struct helper *h, bool kill)
{
	if (h->go != NULL)
		CloseHandle(h->go);
	if (h->said != NULL)
		CloseHandle(h->said);
	if (h->pi.hProcess == NULL)
		return;
	if (kill) {
		(void)TerminateProcess(h->pi.hProcess, 1);
		(void)WaitForSingleObject(h->pi.hProcess, INFINITE);
	}
	CloseHandle(h->pi.hThread);
	CloseHandle(h->pi.hProcess);
}

void
plat_exit_close(plat_sock s, struct plat_call *c)
{
	struct helper h;
	DWORD e, code = 1;

	memset(&h, 0, sizeof(h));
	e = start_helper((SOCKET)s, &h);
	/* The helper holds it now (or, if it failed, nobody will). */
	(void)closesocket((SOCKET)s);
	plat_win32_forget((SOCKET)s);
	if (e != 0) {
		end_helper(&h, true);
		plat_win32_begin(c, PLAT_SOCK_NONE);
		plat_win32_end(c, -1, (int)e);
		return;
	}
	plat_win32_begin(c, PLAT_SOCK_NONE);
	CloseHandle(h.go); /* end of its stdin: it exits */
	h.go = NULL;
	if (WaitForSingleObject(h.pi.hProcess, INFINITE) != WAIT_OBJECT_0 ||
	    !GetExitCodeProcess(h.pi.hProcess, &code))
		code = 1;
	e = GetLastError();
	plat_win32_end(c, code == 0 ? 0 : -1,
	    code == 0 ? 0 : (int)(e != 0 ? e : ERROR_PROCESS_ABORTED));
	end_helper(&h, false);
}
