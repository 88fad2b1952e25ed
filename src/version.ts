/** The tool's version (`--version`, and the `tool` of a saved plan). */
export const VERSION = '0.1.0';
