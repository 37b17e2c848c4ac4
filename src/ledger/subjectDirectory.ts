import type { Database } from 'better-sqlite3';

/**
 * The subject directory: the personal data that must stay out of the immutable log (names, birth dates).
 * It is mutable and erasable; erasing a subject's entry leaves the ledger intact and the subject
 * identified only by its opaque id.
 */

export interface DirectoryEntry {
  subjectId: string;
  displayName?: string;
  birthDate?: string;
}

export interface SubjectDirectory {
  save(entry: DirectoryEntry): void;
  find(subjectId: string): DirectoryEntry | undefined;
  /** Removes the subject's personal data; returns whether there was any. */
  erase(subjectId: string): boolean;
}

export const createSubjectDirectory = (db: Database): SubjectDirectory => {
  db.exec(`CREATE TABLE IF NOT EXISTS subject_directory (
    subject_id TEXT PRIMARY KEY, display_name TEXT, birth_date TEXT)`);
  const upsert = db.prepare(
    `INSERT INTO subject_directory (subject_id, display_name, birth_date) VALUES (?, ?, ?)
     ON CONFLICT (subject_id) DO UPDATE SET display_name = excluded.display_name, birth_date = excluded.birth_date`,
  );
  const select = db.prepare('SELECT display_name, birth_date FROM subject_directory WHERE subject_id = ?');
  const remove = db.prepare('DELETE FROM subject_directory WHERE subject_id = ?');
  return {
    save({ subjectId, displayName, birthDate }) {
      upsert.run(subjectId, displayName ?? null, birthDate ?? null);
    },
    find(subjectId) {
      const row = select.get(subjectId) as { display_name: string | null; birth_date: string | null } | undefined;
      if (!row) return undefined;
      return {
        subjectId,
        ...(row.display_name !== null ? { displayName: row.display_name } : {}),
        ...(row.birth_date !== null ? { birthDate: row.birth_date } : {}),
      };
    },
    erase: (subjectId) => remove.run(subjectId).changes > 0,
  };
};
