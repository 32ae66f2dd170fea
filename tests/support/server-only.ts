// Vitest runs server modules outside Next.js; the real package throws there by design.
export {};
