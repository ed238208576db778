// The one place the UI libraries are imported from: Preact components written with htm templates.
import { h, render, createContext } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
export { render, createContext };
export { useState, useEffect, useCallback, useContext, useMemo, useRef } from 'preact/hooks';
