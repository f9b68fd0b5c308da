# check-imports.cmake - lingerlab-agent.exe must need nothing but Windows'
# own DLLs, so that the one file runs on any Windows 10 or later: the DLLs
# `objdump -p` says it imports must all be in the list below (msvcrt.dll,
# the C runtime mingw-w64 targets, ships with every Windows). Run by the
# build after linking; a DLL of mingw's (libgcc, libwinpthread) fails it.
#
#   cmake -DOBJDUMP=x86_64-w64-mingw32-objdump -DEXE=lingerlab-agent.exe \
#         -P check-imports.cmake
set(system_dlls advapi32.dll iphlpapi.dll kernel32.dll msvcrt.dll ntdll.dll
  psapi.dll ws2_32.dll)

if(NOT OBJDUMP OR NOT EXE)
  message(FATAL_ERROR "usage: cmake -DOBJDUMP=... -DEXE=... -P check-imports.cmake")
endif()
execute_process(COMMAND ${OBJDUMP} -p ${EXE} OUTPUT_VARIABLE dump
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} -p ${EXE} failed (${rc})")
endif()
string(REGEX MATCHALL "DLL Name: [^\r\n]+" lines "${dump}")
if(NOT lines)
  message(FATAL_ERROR "${EXE}: objdump shows no imported DLL at all; is it a Windows program?")
endif()
set(found "")
set(bad "")
foreach(l ${lines})
  string(REGEX REPLACE "DLL Name: *" "" dll "${l}")
  string(TOLOWER "${dll}" dll)
  list(APPEND found ${dll})
  list(FIND system_dlls ${dll} i)
  if(i EQUAL -1)
    list(APPEND bad ${dll})
  endif()
endforeach()
list(REMOVE_DUPLICATES found)
if(bad)
  message(FATAL_ERROR "${EXE} imports ${bad}, which Windows does not ship: "
    "link it statically (-static) so that it needs nothing but system DLLs")
endif()
string(REPLACE ";" " " found "${found}")
message(STATUS "lingerlab-agent.exe imports only system DLLs: ${found}")
