import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
// a plain stylesheet: Vite emits it as a file under assets/, so the CSP needs no inline style
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
