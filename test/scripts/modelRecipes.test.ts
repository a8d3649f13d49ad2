/**
 * The recipes `npm run build-model -- <name>` converts (scripts/model-build/models.json) hold
 * together, and every converted folder in models/ is what its recipe says: the profile the
 * loader will apply is the one the recipe (the model's card) asked for, and the references were
 * computed for the texts the build script uses today. Running the conversion needs Python and
 * PyPI; this needs neither.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelProfile } from '../../src/core/embed/modelProfile.js';
import { BUNDLED_MODELS_DIR, PROJECT_ROOT } from '../../src/core/paths.js';
import { transformerRecipes } from '../../scripts/model-build/buildTransformer.js';

const recipes = transformerRecipes();
const referenceTexts = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', 'model-build', 'reference-texts.json'), 'utf8')) as {
  texts: Array<{ id: string; kind: string; text: string }>;
  paraphrases: Array<[string, string]>;
  unrelated: Array<[string, string]>;
};

describe('model recipes', () => {
  it('pin every wheel by sha256 and say where the model is inside', () => {
    expect(Object.keys(recipes)).toContain('all-minilm-l6-v2');
    for (const [name, recipe] of Object.entries(recipes)) {
      expect(recipe.source.wheels.length, name).toBeGreaterThan(0);
      for (const wheel of recipe.source.wheels) {
        expect(wheel.sha256, `${name} ${wheel.file}`).toMatch(/^[0-9a-f]{64}$/);
        expect(wheel.file, name).toMatch(/\.whl$/);
        expect(wheel.file.startsWith(`${wheel.package.replace(/-/g, '_')}-${wheel.version}-`), `${wheel.file} is ${wheel.package} ${wheel.version}`).toBe(true);
      }
      if (recipe.source.splitZip) expect(recipe.source.splitZip.length, name).toBe(recipe.source.wheels.length);
      else expect(recipe.source.wheels.length, `${name}: several wheels need splitZip`).toBe(1);
    }
  });

  it('reference texts: unique ids, and every pair names two of them', () => {
    const ids = referenceTexts.texts.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [a, b] of [...referenceTexts.paraphrases, ...referenceTexts.unrelated]) {
      expect(ids).toContain(a);
      expect(ids).toContain(b);
    }
  });

  const built = Object.keys(recipes).filter((name) => fs.existsSync(path.join(BUNDLED_MODELS_DIR, name, 'profile.json')));
  it.each(built)('models/%s holds the profile its recipe asks for and references of today\'s texts', (name) => {
    const folder = path.join(BUNDLED_MODELS_DIR, name);
    expect(readModelProfile(folder)).toEqual(recipes[name]!.profile);
    const reference = JSON.parse(fs.readFileSync(path.join(folder, 'reference.json'), 'utf8')) as { texts: Array<{ id: string; kind: string; text: string }> };
    expect(reference.texts.map(({ id, kind, text }) => ({ id, kind, text }))).toEqual(referenceTexts.texts);
  });
});
