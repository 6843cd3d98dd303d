# `cmake --install` and the CMake package, in two components:
# - runtime: the programs (and the harness's preload library) into bin/, the
#   shipped suites into share/discord_oauth_mock/scenarios/ and the scenario
#   schema into share/discord_oauth_mock/docs/ (where the suites' first lines
#   point). What the container image's runtime stage holds (Dockerfile).
# - development: the embeddable mock (mock_discord::mock_discord, with the
#   support library it needs) as static libraries, headers and
#   mock_discordConfig.cmake, so that a C++ project's own tests can
#   `find_package(mock_discord)`. examples/cmake-consumer is such a project;
#   a ctest builds it against an installed copy.
# A plain `cmake --install` installs both.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MOCK_DISCORD_INCLUDE_DIR ${CMAKE_INSTALL_INCLUDEDIR}/discord_oauth_mock)
set(MOCK_DISCORD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mock_discord)

foreach(program harness_program mock_discord_server reference_app)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
  endif()
endforeach()
set(MOCK_DISCORD_DATA_DIR ${CMAKE_INSTALL_DATADIR}/discord_oauth_mock)
install(DIRECTORY ${PROJECT_ROOT}/scenarios DESTINATION ${MOCK_DISCORD_DATA_DIR} COMPONENT runtime)
install(FILES ${PROJECT_ROOT}/docs/scenario.schema.json DESTINATION ${MOCK_DISCORD_DATA_DIR}/docs COMPONENT runtime)

# Includes are rooted at the repository ("mock_discord/server.hpp"), so the
# installed headers keep their folders under one prefix.
foreach(component support mock_discord)
  file(GLOB headers ${PROJECT_ROOT}/${component}/*.hpp)
  install(FILES ${headers} DESTINATION ${MOCK_DISCORD_INCLUDE_DIR}/${component} COMPONENT development)
endforeach()

install(TARGETS support mock_discord EXPORT mock_discordTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        INCLUDES DESTINATION ${MOCK_DISCORD_INCLUDE_DIR})
install(EXPORT mock_discordTargets NAMESPACE mock_discord:: DESTINATION ${MOCK_DISCORD_CMAKE_DIR}
        COMPONENT development)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mock_discordConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/mock_discordConfig.cmake
                              INSTALL_DESTINATION ${MOCK_DISCORD_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/mock_discordConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/mock_discordConfig.cmake ${CMAKE_BINARY_DIR}/mock_discordConfigVersion.cmake
        DESTINATION ${MOCK_DISCORD_CMAKE_DIR} COMPONENT development)
