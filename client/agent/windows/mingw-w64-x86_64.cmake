# mingw-w64-x86_64.cmake - the CMake toolchain file for building
# lingerlab-agent.exe for 64-bit Windows on Linux, with Debian's
# mingw-w64 (apt-get install gcc-mingw-w64-x86-64):
#
#   cmake -S client/agent/windows -B build-windows \
#     -DCMAKE_TOOLCHAIN_FILE=client/agent/windows/mingw-w64-x86_64.cmake
#   cmake --build build-windows
#
# (`make windows` runs exactly this.) Another mingw-w64 install works too:
# set MINGW_PREFIX to its tool prefix (default x86_64-w64-mingw32).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT DEFINED MINGW_PREFIX)
  set(MINGW_PREFIX x86_64-w64-mingw32)
endif()
set(CMAKE_C_COMPILER ${MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${MINGW_PREFIX}-windres)
# objdump -p lists the DLLs the program imports (check-imports.cmake).
find_program(CMAKE_OBJDUMP ${MINGW_PREFIX}-objdump)

# Headers and libraries of the target only, programs of the host.
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
