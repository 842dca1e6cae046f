# packaging.cmake: what `cmake --install` puts around the binary (man page, completions,
# documentation, the example systemd unit) and the CPack settings for `cpack -G DEB`.
# Included by the top CMakeLists.txt (after the binary and its TCPChat link are installed).
#
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-release -j2
#   cmake --install build-release --prefix /usr/local   # or: sudo cmake --install ...
#   (cd build-release && cpack -G DEB)                   # tcpchat_<version>_<arch>.deb

set(TCPCHAT_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/tcpchat)
set(TCPCHAT_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  CACHE STRING "Where the bash completion goes, relative to the prefix")
set(TCPCHAT_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/zsh/site-functions
  CACHE STRING "Where the zsh completion goes, relative to the prefix")
set(TCPCHAT_FISH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
  CACHE STRING "Where the fish completion goes, relative to the prefix")

# install(CODE) helper: a symbolic link LINK -> TARGET inside the staging/prefix tree.
function(tcpchat_install_symlink target link)
  install(CODE "
    set(_link \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${link}\")
    message(STATUS \"Installing: \${_link} -> ${target}\")
    execute_process(COMMAND \${CMAKE_COMMAND} -E create_symlink ${target} \"\${_link}\")")
endfunction()

# The man page, and `man TCPChat` for the classic name.
install(FILES man/tcpchat.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
tcpchat_install_symlink(tcpchat.1 ${CMAKE_INSTALL_MANDIR}/man1/TCPChat.1)

# Shell completions. bash-completion loads completions by command name, hence the link.
install(FILES completions/tcpchat.bash DESTINATION ${TCPCHAT_BASH_COMPLETION_DIR}
  RENAME tcpchat)
tcpchat_install_symlink(tcpchat ${TCPCHAT_BASH_COMPLETION_DIR}/TCPChat)
install(FILES completions/_tcpchat DESTINATION ${TCPCHAT_ZSH_COMPLETION_DIR})
install(FILES completions/tcpchat.fish DESTINATION ${TCPCHAT_FISH_COMPLETION_DIR})

# Documentation, and the systemd unit as an example. Its ExecStart names the binary
# under the prefix given at install time (cmake --install --prefix, or /usr for cpack).
install(CODE "
  set(_bindir \"${CMAKE_INSTALL_BINDIR}\")
  if(NOT IS_ABSOLUTE \"\${_bindir}\")
    set(_bindir \"\${CMAKE_INSTALL_PREFIX}/\${_bindir}\")
  endif()
  file(READ \"${PROJECT_SOURCE_DIR}/packaging/tcpchat.service\" _unit)
  string(REPLACE \"/usr/bin/tcpchat\" \"\${_bindir}/tcpchat\" _unit \"\${_unit}\")
  file(WRITE \"${PROJECT_BINARY_DIR}/packaging/tcpchat.service\" \"\${_unit}\")
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${TCPCHAT_DOCDIR}/examples\"
    TYPE FILE FILES \"${PROJECT_BINARY_DIR}/packaging/tcpchat.service\")")
install(FILES packaging/tcpchat.logrotate DESTINATION ${TCPCHAT_DOCDIR}/examples)
install(FILES README.md LICENSE DESTINATION ${TCPCHAT_DOCDIR})
if(EXISTS ${PROJECT_SOURCE_DIR}/doc/PROTOCOL.md)
  install(FILES doc/PROTOCOL.md DESTINATION ${TCPCHAT_DOCDIR})
endif()

# --- CPack: cpack -G DEB (TGZ works too) -----------------------------------------------
set(CPACK_PACKAGE_NAME tcpchat)
set(CPACK_PACKAGE_VENDOR "tcpchat")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "tcpchat maintainers <tcpchat@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "group chat over plain TCP: an nc-compatible server and a terminal client")
set(CPACK_PACKAGE_DESCRIPTION
  "tcpchat serve runs a group chat server that anyone can join with nothing but nc:
a penguin banner, a name prompt, time-stamped messages and history for newcomers,
like the classic net-cat TCPChat, plus rooms, renames, private messages, a
persistent log, hostile-input safety and thousands of clients on one core.
tcpchat connect is a full-screen ncurses and readline client for it.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build.*/" "/out/")

set(CPACK_DEBIAN_PACKAGE_NAME tcpchat)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# CPack puts the summary first and indents the rest as deb-control(5) wants.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "netcat-openbsd | ncat")
# Dependencies: dpkg-shlibdeps, when present, derives the exact ones from the libraries
# the binary links (libc6, libncursesw6, libtinfo6, libreadline8, libicu72, libcrypt1,
# libssl3, libhiredis0.14, libjansson4); otherwise name them.
find_program(TCPCHAT_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(TCPCHAT_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libncursesw6 (>= 6), libtinfo6 (>= 6), libreadline8 (>= 8.0), libicu72, libcrypt1,
    libssl3 (>= 3.0) | libssl3t64 (>= 3.0), libhiredis0.14, libjansson4")
endif()

include(CPack)
