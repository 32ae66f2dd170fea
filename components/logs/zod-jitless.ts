/**
 * Imported for its effect, before any module that builds a zod schema in the browser (the log
 * filter's): zod 4 decides at schema creation whether it may compile parsers with `new Function`,
 * and its probe for that is itself an eval, which the page's CSP (script-src without 'unsafe-eval')
 * reports as a violation. Jitless zod parses the same, without generated code.
 */
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });
