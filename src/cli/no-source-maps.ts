/**
 * Imported first by the synth CLI: turns Node's source-map support off before the rest of the
 * program (and the ~1000 declaration files of a large fleet) load. tsx enables it on start-up and
 * then appends an inline source map to every module it compiles, which Node parses and keeps: on a
 * large fleet that is ~10% of the memory and ~5% of the time. The synth prints problems as one line
 * each, never a stack trace, so it has no use for them.
 */
process.setSourceMapsEnabled(false);
