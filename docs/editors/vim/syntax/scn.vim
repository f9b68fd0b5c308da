" Vim syntax file
" Language:	lingerlab scenario files (*.scn), docs/scenario-language.md
" Maintainer:	the lingerlab project
"
" tests/editors/check-editors.sh checks that every keyword the parser knows
" (lingerlab check --keywords) is coloured here; add a new one to its list.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Words may hold '-': exit-close, at-least, until-blocked.
syn iskeyword @,48-57,_,-

" # starts a comment anywhere outside a string.
syn match   scnComment	"#.*$" contains=scnTodo,@Spell
syn keyword scnTodo	contained TODO FIXME XXX NOTE

" Strings: one line, \" and \\ the only escapes; ${param} works inside.
syn region  scnString	start=+"+ skip=+\\[\\"]+ end=+"+ oneline contains=scnEscape,scnParam
syn match   scnEscape	contained +\\[\\"]+
syn match   scnParam	"\${[A-Za-z][A-Za-z0-9_-]*}"

" The header, the statements, expect.
syn keyword scnHeader	scenario tags param timeout
syn keyword scnStatement peer wait socket set connect send recv shutdown close
syn keyword scnStatement exit-close listen accept signal repeat end
syn keyword scnExpect	expect

" Words with a meaning further on in a line.
syn keyword scnWord	behaviour ack-fin read resume fin rst as port after
syn keyword scnWord	until-blocked times at-once within during because if and
syn keyword scnWord	returns fails blocks at-least at-most about tolerance sends
syn keyword scnWord	wire client no retransmits zero-window-probes state ok
syn keyword scnWord	ipv4 ipv6 family
syn keyword scnOption	linger linger2 blocking nonblocking sndbuf rcvbuf nodelay
syn keyword scnOption	user-timeout on off rd wr rdwr
syn keyword scnProbe	growth peak threads fds rss sockets tcpext
syn keyword scnState	ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT
syn keyword scnState	CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING NEW_SYN_RECV gone
syn keyword scnWire	FIN RST data nothing
syn match   scnErrno	"\<\(WSA\)\=E[A-Z]\+\>"

" OS prefixes: linux:, freebsd:, windows:, several joined by commas.
syn match   scnOs	"\<\(linux\|freebsd\|windows\)\(,\(linux\|freebsd\|windows\)\)*:"

" Bare numbers, sizes (64KiB, 1500B) and durations (250ms, 1.5s): of
" matches at one place the last defined wins, so numbers come first.
syn match   scnNumber	"\<-\=\d\+\>"
syn match   scnSize	"\<\d\+\(B\|KiB\|MiB\|GiB\)\>"
syn match   scnDuration	"\<\d\+\(\.\d\+\)\=\(ns\|us\|ms\|s\|min\)\>"
syn match   scnOperator	"[<>!=]=\|[<>=|]"

hi def link scnComment	Comment
hi def link scnTodo	Todo
hi def link scnString	String
hi def link scnEscape	SpecialChar
hi def link scnParam	Identifier
hi def link scnHeader	PreProc
hi def link scnStatement Statement
hi def link scnExpect	Keyword
hi def link scnWord	Keyword
hi def link scnOption	Type
hi def link scnProbe	Function
hi def link scnState	Constant
hi def link scnWire	Constant
hi def link scnErrno	Constant
hi def link scnOs	Special
hi def link scnDuration	Number
hi def link scnSize	Number
hi def link scnNumber	Number
hi def link scnOperator	Operator

let b:current_syntax = "scn"

let &cpo = s:cpo_save
unlet s:cpo_save
