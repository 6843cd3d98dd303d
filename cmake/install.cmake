# `cmake --install` and the CMake package: the programs into bin/, and the
# embeddable mock (mock_discord::mock_discord, with the support library it
# needs) as static libraries, headers and mock_discordConfig.cmake, so that a
# C++ project's own tests can `find_package(mock_discord)`.
# examples/cmake-consumer is such a project; a ctest builds it against an
# installed copy.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MOCK_DISCORD_INCLUDE_DIR ${CMAKE_INSTALL_INCLUDEDIR}/discord_oauth_mock)
set(MOCK_DISCORD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mock_discord)

foreach(program harness_program mock_discord_server reference_app)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

# Includes are rooted at the repository ("mock_discord/server.hpp"), so the
# installed headers keep their folders under one prefix.
foreach(component support mock_discord)
  file(GLOB headers ${PROJECT_ROOT}/${component}/*.hpp)
  install(FILES ${headers} DESTINATION ${MOCK_DISCORD_INCLUDE_DIR}/${component})
endforeach()

install(TARGETS support mock_discord EXPORT mock_discordTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${MOCK_DISCORD_INCLUDE_DIR})
install(EXPORT mock_discordTargets NAMESPACE mock_discord:: DESTINATION ${MOCK_DISCORD_CMAKE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mock_discordConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/mock_discordConfig.cmake
                              INSTALL_DESTINATION ${MOCK_DISCORD_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/mock_discordConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/mock_discordConfig.cmake ${CMAKE_BINARY_DIR}/mock_discordConfigVersion.cmake
        DESTINATION ${MOCK_DISCORD_CMAKE_DIR})
